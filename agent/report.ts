// The report every format is rendered from (its JSON form is published as agent/report.schema.json),
// with the verdict and the exit code that follow from it.
import type { Distro } from '../distros/detect.js';
import type { TargetMode } from './host.js';
import type { CheckReport, Status } from './types.js';
import { AGENT_NAME, VERSION } from './version.js';

export type Verdict = 'pass' | 'warn' | 'fail' | 'error';

export interface Report {
  schemaVersion: 1;
  agent: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  target: { root: string; mode: TargetMode; image?: string };
  host: {
    distro: Pick<Distro, 'id' | 'name' | 'version' | 'codename' | 'family' | 'packageManager'>;
    /** Live-only facts (kernel, virtualization...), absent in --root mode. */
    facts?: Record<string, string | number | boolean | null>;
  };
  summary: Record<Status, number>;
  verdict: Verdict;
  checks: CheckReport[];
}

/** Documented exit codes: the contract scripts and Packer rely on. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  incomplete: 3,
} as const;

export function countStatuses(checks: readonly CheckReport[]): Record<Status, number> {
  const summary: Record<Status, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const check of checks) summary[check.status]++;
  return summary;
}

export function verdictOf(summary: Record<Status, number>): Verdict {
  if (summary.fail > 0) return 'fail';
  if (summary.error > 0) return 'error';
  if (summary.warn > 0) return 'warn';
  return 'pass';
}

export function exitCodeOf(verdict: Verdict, strict: boolean): number {
  if (verdict === 'fail') return EXIT.failed;
  if (verdict === 'error') return EXIT.incomplete;
  if (verdict === 'warn' && strict) return EXIT.failed;
  return EXIT.ok;
}

export function buildReport(input: {
  startedAt: Date;
  target: Report['target'];
  distro: Distro;
  facts?: Report['host']['facts'];
  checks: CheckReport[];
}): Report {
  const summary = countStatuses(input.checks);
  const { id, name, version, codename, family, packageManager } = input.distro;
  return {
    schemaVersion: 1,
    agent: { name: AGENT_NAME, version: VERSION },
    startedAt: input.startedAt.toISOString(),
    durationMs: Date.now() - input.startedAt.getTime(),
    target: input.target,
    host: { distro: { id, name, version, codename, family, packageManager }, ...(input.facts ? { facts: input.facts } : {}) },
    summary,
    verdict: verdictOf(summary),
    checks: input.checks,
  };
}
