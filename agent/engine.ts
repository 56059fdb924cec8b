// Runs check modules concurrently, each with a timeout; a check that throws or hangs becomes
// `error` with its reason and never stops the others. Checks only return results: counting,
// statuses and the verdict are decided here.
import type { Host } from './host.js';
import type { CheckModule, CheckReport, CheckResult, Finding, Severity, Status } from './types.js';

export interface EngineOptions {
  timeoutMs: number;
  /** Per-check severity from the config file ('off' never reaches here: it skips the check). */
  severityOverrides?: Record<string, Severity>;
  /** Per-check predicates: a finding they match is dropped (the config file's ignore lists). */
  ignore?: Record<string, (finding: Finding) => boolean>;
  /** Checks turned off in the config file: reported as skipped, not run. */
  off?: ReadonlySet<string>;
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

/** A fail becomes a warn when the check's severity is lowered to warn. */
function capFinding(finding: Finding, severity: Severity): Finding {
  return severity === 'warn' && finding.status === 'fail' ? { ...finding, status: 'warn' } : finding;
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

export function toCheckReport(module: CheckModule, result: CheckResult, durationMs: number, options: EngineOptions): CheckReport {
  const severity = options.severityOverrides?.[module.id] ?? module.severity;
  const ignored = options.ignore?.[module.id];
  const findings = result.findings.filter((finding) => !ignored?.(finding)).map((finding) => capFinding(finding, severity));
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

// appliesTo() is under the timeout too: it may query a package database that hangs.
async function decideAndRun(host: Host, module: CheckModule): Promise<CheckResult> {
  const applies = await module.appliesTo(host);
  if (applies !== true) return { status: 'skip', summary: typeof applies === 'string' ? applies : 'does not apply to this target', findings: [] };
  return module.run(host);
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
  return toCheckReport(module, result, elapsed(), options);
}

export function runChecks(host: Host, modules: readonly CheckModule[], options: EngineOptions): Promise<CheckReport[]> {
  return Promise.all(modules.map((module) => runOne(host, module, options)));
}
