// Assertions shared by the fixture-root suites.
import type { Expectation } from '../../fixtures/synthetic/problems.js';
import { findingsOf, type ReportJson } from './agent.js';

/** Expectations the report does not satisfy (check id, finding status, code and path). */
export function missingExpectations(report: ReportJson, expected: readonly Expectation[]): Expectation[] {
  const found = findingsOf(report);
  return expected.filter((e) => !found.some((f) => f.check === e.check && f.status === e.status && f.code === e.code && (e.path === undefined || f.path === e.path)));
}

/** Every planted secret (and the canary marker itself) that shows up in any of the texts. */
export function leakedSecrets(secrets: readonly string[], texts: readonly string[]): string[] {
  const all = texts.join('\n');
  return [...secrets, 'MPACANARY'].filter((secret) => all.includes(secret));
}
