// Runs check modules concurrently, each with a timeout; a check that throws or hangs becomes
// `error` with its reason and never stops the others. Checks only return results: counting,
// statuses, the verdict, and which findings carry a fix are decided here.
import { couldNotCheck, internal, unreadFinding } from './findings.js';
import { UnreadableError, type Host } from './host.js';
import type { CheckModule, CheckReport, CheckResult, Finding, Severity, Status } from './types.js';

export interface EngineOptions {
  timeoutMs: number;
  /** Per-check severity from the config file ('off' never reaches here: it skips the check). */
  severityOverrides?: Record<string, Severity>;
  /** Per-check predicates: a finding they match is dropped (the config file's ignore lists). */
  ignore?: Record<string, (finding: Finding) => boolean>;
  /** Checks turned off in the config file: reported as skipped, not run. */
  off?: ReadonlySet<string>;
  /**
   * Build each fixable finding's actions (cleanup). A check run only needs to know that there is a
   * fix: building 150,000 action objects it would never use cost a third of its memory.
   */
  withFixes?: boolean;
}

const RANK: Record<Finding['status'], number> = { pass: 0, warn: 1, error: 2, fail: 3 };

class CheckTimeout extends Error {}

/** Whole seconds, except under a second, where rounding would say "0 s". */
function seconds(ms: number): number {
  return ms < 1000 ? ms / 1000 : Math.round(ms / 1000);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`did not finish within ${seconds(ms)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A fail becomes a warn when the check's severity is lowered to warn (a copy, keeping its subject). */
function capFinding(finding: Finding, severity: Severity): Finding {
  if (severity !== 'warn' || finding.status !== 'fail') return finding;
  const capped: Finding = { ...finding, status: 'warn' };
  return finding.subject === undefined ? capped : internal(capped, 'subject', finding.subject);
}

function worstStatus(findings: Finding[]): Status {
  const worst = findings.reduce((max, finding) => Math.max(max, RANK[finding.status]), 0);
  return (Object.keys(RANK) as Finding['status'][]).find((status) => RANK[status] === worst) ?? 'pass';
}

function defaultSummary(status: Status, findings: Finding[]): string {
  const problems = findings.filter((finding) => finding.status !== 'pass').length;
  if (status === 'pass') return 'no problem found';
  return `${problems} problem${problems === 1 ? '' : 's'}`;
}

/**
 * The finding with its fix from the check's code table. A check that could not read all it needed
 * (an error finding, or an error status) gets no fix at all: "could not check" never leads to a
 * destructive plan, so every finding of it is published as not fixable.
 */
function withFix(module: CheckModule, finding: Finding, complete: boolean, build: boolean): Finding {
  const builder = module.codes[finding.code];
  if (builder === undefined && finding.status !== 'error') throw new Error(`${module.id} reported the undeclared finding code '${finding.code}'`);
  // The finding is the check's own fresh object: set in place (a copy of each of 150,000 findings
  // was a tenth of a scale run's memory).
  finding.fixable = finding.status !== 'error' && finding.status !== 'pass' && complete && builder !== null;
  // Every builder returns at least one action (the problems table plans each fixable row).
  if (build && finding.fixable && builder) internal(finding, 'fix', builder(finding));
  return finding;
}

export function toCheckReport(module: CheckModule, result: CheckResult, durationMs: number, options: EngineOptions): CheckReport {
  const severity = options.severityOverrides?.[module.id] ?? module.severity;
  const ignored = options.ignore?.[module.id];
  const complete = result.status !== 'error' && !result.findings.some((finding) => finding.status === 'error');
  const findings = result.findings
    .filter((finding) => !ignored?.(finding))
    .map((finding) => withFix(module, capFinding(finding, severity), complete, options.withFixes === true));
  const status: Status = result.status ?? worstStatus(findings);
  return {
    id: module.id,
    title: module.title,
    status,
    summary: result.summary ?? defaultSummary(status, findings),
    durationMs,
    findings,
  };
}

// appliesTo() is under the timeout too: it may query a package database that hangs. Each check
// sees the target through its own view, which records what the facts it used could not read.
async function decideAndRun(host: Host, module: CheckModule): Promise<CheckResult> {
  const view = host.forCheck();
  const applies = await module.appliesTo(view);
  if (applies !== true) return { status: 'skip', summary: typeof applies === 'string' ? applies : 'does not apply to this target', findings: [] };
  try {
    const result = await module.run(view);
    return view.unread.length === 0 ? result : { ...result, findings: [...result.findings, ...view.unread.map(unreadFinding)] };
  } catch (err) {
    // A fact that could not be read at all: the check is `error`, naming what and why.
    if (err instanceof UnreadableError) return { status: 'error', summary: `could not check: ${err.message}`, findings: [couldNotCheck(err), ...view.unread.map(unreadFinding)] };
    throw err;
  }
}

async function runOne(host: Host, module: CheckModule, options: EngineOptions): Promise<CheckReport> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let result: CheckResult;
  try {
    if (options.off?.has(module.id)) return toCheckReport(module, { status: 'skip', summary: 'turned off in the config file', findings: [] }, 0, options);
    result = await withTimeout(decideAndRun(host, module), options.timeoutMs);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    result = { status: 'error', summary: `could not check: ${reason}`, findings: [] };
  }
  try {
    return toCheckReport(module, result, elapsed(), options);
  } catch (err) {
    // An undeclared finding code is a bug of the check: reported as its error, never dropped.
    return toCheckReport(module, { status: 'error', summary: `internal error: ${(err as Error).message}`, findings: [] }, elapsed(), options);
  }
}

export function runChecks(host: Host, modules: readonly CheckModule[], options: EngineOptions): Promise<CheckReport[]> {
  return Promise.all(modules.map((module) => runOne(host, module, options)));
}
