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
  /** Derived by the engine: the finding carries a fix that cleanup will plan. */
  fixable: boolean;
  /** What the fix needs beyond the path (the account to lock, the package to purge); not reported. */
  subject?: string;
  /** The actions that resolve it, attached by the engine from its check's code table; not reported. */
  fix?: readonly Action[];
}

/** Builds the actions that resolve one finding of a code; null: cleanup cannot fix that code. */
export type FixBuilder = (finding: Finding) => Action[];

export interface CheckResult {
  /** Set only for `skip` (with the reason in summary) or to force `error`; otherwise derived from findings. */
  status?: 'skip' | 'error';
  summary?: string;
  findings: Finding[];
}

export interface Explanation {
  looksAt: string;
  why: string;
  manualFix: string;
  limits?: string;
}

/** What a check file writes (see defineCheck in agent/check.ts for the defaults). */
export interface CheckDefinition {
  id: string;
  title: string;
  /** One line, for `agent list`. */
  description: string;
  /** For `agent explain`: what it looks at, why it matters, how to fix it by hand, its limits. */
  explain: Explanation;
  severity: Severity;
  /** One line: what to do by hand about its problems (the text report prints it under them). */
  remedy: string;
  /**
   * Every finding code the check can report, with the fix of that code or null. Like an eslint
   * rule's `messages`: the codes are data, so tests can enumerate them and "can fix" is derived.
   */
  codes: Record<string, FixBuilder | null>;
  /** Checks that can only see the running machine (not a mounted image). */
  liveOnly?: boolean;
  /** true, or false or a reason string when the check does not apply (it is then skipped). */
  appliesTo?(host: Host): boolean | string | Promise<boolean | string>;
  run(host: Host): Promise<CheckResult>;
}

export interface CheckModule extends Required<Omit<CheckDefinition, 'explain'>> {
  explain: Explanation;
  /** Derived: some code of the check has a fix. */
  canFix: boolean;
}

export interface CheckReport {
  id: string;
  title: string;
  status: Status;
  summary: string;
  durationMs: number;
  findings: Finding[];
}
