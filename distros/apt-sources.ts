// The image's apt sources files, and for --root mode their text rewritten so that the host's apt
// reads them as the image would: `file:` repositories and Signed-By keyrings are paths inside the
// image, so they get the root prefixed; everything else is kept as it is.
import { posix } from 'node:path';
import type { Host } from '../agent/host.js';

function rebase(root: string, path: string): string {
  return path.startsWith('/') ? posix.join(root, path) : path;
}

/** One-line format: deb [signed-by=/path trusted=yes] file:/srv/repo ./ */
export function rewriteOneLine(text: string, root: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/(signed-by=)(\/[^\s\],]+)/g, (_, key: string, path: string) => `${key}${rebase(root, path)}`)
        .replace(/(^\s*deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?)file:(\/\S*)/, (_, head: string, path: string) => `${head}file:${rebase(root, path)}`),
    )
    .join('\n');
}

/** deb822 format: URIs: file:/srv/repo / Signed-By: /usr/share/keyrings/x.gpg (a path, not an inline key). */
export function rewriteDeb822(text: string, root: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/^(Signed-By:\s*)(\/\S+)\s*$/i, (_, key: string, path: string) => `${key}${rebase(root, path)}`)
        .replace(/^(URIs:.*?)file:(\/\S*)/i, (_, head: string, path: string) => `${head}file:${rebase(root, path)}`),
    )
    .join('\n');
}

export interface SourcesFile {
  /** `sources.list`, or the name of a file in sources.list.d. */
  name: string;
  /** Its path inside the image. */
  path: string;
  text: string;
  format: 'one-line' | 'deb822';
}

/** The image's apt sources files as apt would read them (*.list and *.sources in sources.list.d). */
export async function readImageSources(host: Host): Promise<SourcesFile[]> {
  const files: SourcesFile[] = [];
  const mainText = await host.readText('/etc/apt/sources.list');
  if (mainText !== null) files.push({ name: 'sources.list', path: '/etc/apt/sources.list', text: mainText, format: 'one-line' });
  for (const name of ((await host.list('/etc/apt/sources.list.d')) ?? []).sort()) {
    const format = name.endsWith('.list') ? 'one-line' : name.endsWith('.sources') ? 'deb822' : null;
    const path = posix.join('/etc/apt/sources.list.d', name);
    const text = format ? await host.readText(path) : null;
    if (format && text !== null) files.push({ name, path, text, format });
  }
  return files;
}

/** A sources text with the image's paths (file: repositories, Signed-By keyrings) made host paths. */
export function rebaseSources(text: string, format: SourcesFile['format'], root: string): string {
  return format === 'deb822' ? rewriteDeb822(text, root) : rewriteOneLine(text, root);
}
