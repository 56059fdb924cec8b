// The contract between check modules, the engine and the reporters.
import type { Action } from './cleanup/actions.js';
import type { Host } from './host.js';

export type Status = 'pass' | 'warn' | 'fail' | 'skip' | 'error';
/** The status a check's problems get at most; the config file can lower it. */
export type Severity = 'fail' | 'warn';

export interface Finding {
  status: 'pass' | 'warn' | 'fail' | 'error';
  /** Stable message id (like an eslint messageId): tests assert codes, not prose. */
  code: string;
  /** One line: never key material, hashes, history or log lines. */
  message: string;
  /** Path inside the target, as the image will see it. */
  path?: string;
  fixable: boolean;
}

export interface CheckResult {
  /** Set only for `skip` (with the reason in summary) or to force `error`; otherwise derived from findings. */
  status?: 'skip' | 'error';
  summary?: string;
  findings: Finding[];
}

export interface CheckModule {
  id: string;
  title: string;
  /** One line, for `agent list`. */
  description: string;
  /** For `agent explain`: what it looks at, why it matters, how to fix it by hand. */
  explain: { looksAt: string; why: string; manualFix: string; limits?: string };
  severity: Severity;
  /** One line: what to do by hand about its problems (the text report prints it under them). */
  remedy: string;
  /** Whether `cleanup` can fix its findings. */
  fixable: boolean;
  /** Checks that can only see the running machine (not a mounted image). */
  liveOnly?: boolean;
  /** true, or false or a reason string when the check does not apply (it is then skipped). */
  appliesTo(host: Host): boolean | string | Promise<boolean | string>;
  run(host: Host): Promise<CheckResult>;
  /** The fix: what cleanup would do about this check's findings, as actions (never acts itself). */
  plan?(host: Host, report: CheckReport): Promise<Action[]> | Action[];
}

export interface CheckReport {
  id: string;
  title: string;
  status: Status;
  summary: string;
  durationMs: number;
  findings: Finding[];
}
