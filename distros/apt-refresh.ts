// Refreshing only what the security verdict needs: the sources entries of security archives (and
// entries with no lists on disk yet, whose kind only their Release file will tell) are written,
// with their own options, into a scratch sources directory, and `apt-get update` runs on that
// alone. APT::Get::List-Cleanup=0 keeps the lists of the other sources as they are, and the
// package cache is not written (Dir::Cache::pkgcache and srcpkgcache empty: built in memory from
// the few refreshed indexes), so apt neither rebuilds a cache from the 50 MB main index nor
// leaves the image a cache of only some sources.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from '../agent/host.js';
import { describeFailure } from '../agent/runner.js';
import { updateFailure } from './apt-output.js';
import { rebaseSources, type SourcesFile } from './apt-sources.js';

export const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };
const DEFAULT_REFRESH_TIMEOUT_MS = 180_000;

/** One sources entry to refresh: its file, its line or stanza number, and the suites wanted from it. */
export interface EntryToRefresh {
  file: SourcesFile;
  /** Line (one-line format) or stanza (deb822), counted from 1 as apt's Sourcesentry does. */
  index: number;
  dists: Set<string>;
}

/**
 * deb822 stanzas as apt numbers them: paragraphs separated by blank lines, a paragraph of only
 * comments not counted (apt's tag file reader skips comments).
 */
export function deb822Stanzas(text: string): string[] {
  return text
    .split(/\n[ \t]*(?:\r?\n[ \t]*)*\n/)
    .filter((paragraph) => paragraph.split('\n').some((line) => line.trim() !== '' && !line.startsWith('#')));
}

/**
 * A deb822 stanza narrowed to the wanted suites and to binary packages: its Types and Suites
 * fields (with their continuation lines) replaced, every other field (URIs, Signed-By with an
 * inline key, Trusted, Architectures...) kept verbatim.
 */
export function narrowStanza(stanza: string, dists: ReadonlySet<string>): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of stanza.split('\n')) {
    if (skipping && /^[ \t]/.test(line)) continue;
    skipping = false;
    const field = /^([A-Za-z0-9-]+):/.exec(line)?.[1]?.toLowerCase();
    if (field === 'types') out.push('Types: deb');
    else if (field === 'suites') out.push(`Suites: ${[...dists].join(' ')}`);
    if (field === 'types' || field === 'suites') skipping = true;
    else out.push(line);
  }
  return out.join('\n');
}

/** The text of the entries to refresh, per format: one-line entries verbatim, deb822 stanzas narrowed. */
export function refreshSourcesText(entries: readonly EntryToRefresh[], root: string | null): { list: string; sources: string } {
  const lines: string[] = [];
  const stanzas: string[] = [];
  for (const { file, index, dists } of entries) {
    const text = root === null ? file.text : rebaseSources(file.text, file.format, root);
    if (file.format === 'one-line') {
      const line = text.split('\n')[index - 1];
      if (line !== undefined) lines.push(line);
    } else {
      const stanza = deb822Stanzas(text)[index - 1];
      if (stanza !== undefined) stanzas.push(narrowStanza(stanza, dists));
    }
  }
  return { list: lines.map((l) => `${l}\n`).join(''), sources: stanzas.map((s) => `${s.trimEnd()}\n`).join('\n') };
}

/** Writes the entries into dir/sources.list.d and returns the apt options that make apt see only them. */
export function writeRefreshSources(dir: string, entries: readonly EntryToRefresh[], root: string | null): string[] {
  const parts = join(dir, 'sources.list.d');
  mkdirSync(parts, { recursive: true });
  const { list, sources } = refreshSourcesText(entries, root);
  writeFileSync(join(dir, 'sources.list'), '');
  if (list) writeFileSync(join(parts, 'security.list'), list);
  if (sources) writeFileSync(join(parts, 'security.sources'), sources);
  return ['-o', `Dir::Etc::SourceList=${join(dir, 'sources.list')}`, '-o', `Dir::Etc::SourceParts=${parts}`];
}

/** Options of the refresh itself: keep the other lists, no cache files, no translations. */
export const REFRESH_OPTIONS = [
  '-o', 'APT::Get::List-Cleanup=0',
  '-o', 'Dir::Cache::pkgcache=',
  '-o', 'Dir::Cache::srcpkgcache=',
  '-o', 'Acquire::Languages=none',
];

/** Runs apt-get update with `options` (sources, lists and refresh options). Null when it succeeded. */
export async function runRefresh(host: Host, options: string[], timeoutMs = DEFAULT_REFRESH_TIMEOUT_MS): Promise<string | null> {
  const update = await host.run('apt-get', ['-q', ...options, 'update'], { timeoutMs, env: APT_ENV });
  if (update.spawnError) return `apt-get update could not start: ${update.spawnError}`;
  const failure = updateFailure(`${update.stdout}\n${update.stderr}`);
  if (update.timedOut || update.code !== 0) return `apt-get update failed: ${failure ?? describeFailure(update)}`;
  // apt-get update exits 0 when a source could not be fetched: its old lists would decide.
  if (failure) return `apt-get update could not refresh every source: ${failure}`;
  return null;
}
