// Runs the built binary the way users do, and checks its JSON against the published schema.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const AGENT = join(REPO, 'dist', 'agent');
// Pinned so support-date verdicts do not change under the suite as the calendar moves.
export const TEST_TODAY = '2026-11-24';

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunAgentOptions {
  env?: Record<string, string>;
  /** Run as this uid/gid (through setpriv), to test what a non-root user gets. */
  uid?: number;
  input?: string;
  timeoutMs?: number;
}

/** A user who is not root: uid 65534 through setpriv when the tests run as root, else the tests' own user. */
export const AS_NON_ROOT: RunAgentOptions = process.getuid?.() === 0 ? { uid: 65534 } : {};

export function requireAgent(): void {
  if (!existsSync(AGENT)) throw new Error(`${AGENT} is missing: run npm run build first (npm test does)`);
}

export function runAgent(args: string[], options: RunAgentOptions = {}): AgentRun {
  requireAgent();
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', AGENT_TODAY: TEST_TODAY, ...options.env };
  const [command, argv] =
    options.uid === undefined ? [AGENT, args] : ['setpriv', [`--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', AGENT, ...args]];
  const result = spawnSync(command, argv, { env, input: options.input ?? '', encoding: 'utf8', timeout: options.timeoutMs ?? 60_000 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
const schema = JSON.parse(readFileSync(join(REPO, 'agent', 'report.schema.json'), 'utf8'));
const validateReport = ajv.compile(schema);
const validateCleanup = ajv.getSchema(`${schema.$id}#/$defs/cleanupReport`)!;

/** Parses `agent cleanup --format json` output and validates it against the published schema. */
export function parseCleanup<T>(stdout: string): T {
  const output = JSON.parse(stdout);
  if (!validateCleanup(output)) throw new Error(`cleanup output does not match the schema: ${ajv.errorsText(validateCleanup.errors)}`);
  return output as T;
}

export interface ReportJson {
  verdict: string;
  target: { root: string; mode: string; image?: string };
  host: { distro: Record<string, string> };
  summary: Record<string, number>;
  checks: { id: string; status: string; summary: string; findings: { status: string; code: string; message: string; path?: string; fixable: boolean }[] }[];
}

/** Parses a JSON report and throws with the schema errors when it does not validate. */
export function parseReport(stdout: string): ReportJson {
  const report = JSON.parse(stdout);
  if (!validateReport(report)) throw new Error(`report does not match the schema: ${ajv.errorsText(validateReport.errors)}`);
  return report as ReportJson;
}

export function findingsOf(report: ReportJson): { check: string; status: string; code: string; path?: string }[] {
  return report.checks.flatMap((check) => check.findings.map((f) => ({ check: check.id, status: f.status, code: f.code, path: f.path })));
}

export function statusesOf(report: ReportJson): Record<string, string> {
  return Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
}

export interface CleanupRecordJson {
  check: string;
  kind: string;
  path?: string;
  account?: string;
  command?: string;
  status: string;
  reason?: string;
}

export interface CleanupReportJson {
  mode: 'plan' | 'apply';
  actions: CleanupRecordJson[];
  before?: ReportJson;
  after?: ReportJson;
}
