// JSON for scripts: the report as published in agent/report.schema.json. A finding's fix and its
// subject are the engine's working data, not part of the report.
import type { CheckModule } from '../types.js';
import type { Reporter } from './types.js';

const INTERNAL = new Set(['fix', 'subject']);

export function toJson(value: unknown): string {
  return JSON.stringify(value, (key, item) => (INTERNAL.has(key) ? undefined : item), 2) + '\n';
}

function listRows(checks: readonly CheckModule[]) {
  return checks.map(({ id, title, severity, canFix, description, liveOnly, codes }) => ({ id, title, severity, fixable: canFix, liveOnly, description, codes: Object.keys(codes) }));
}

export const jsonReporter: Reporter = {
  name: 'json',
  report: (report) => toJson(report),
  cleanup: (output) => toJson(output.json),
  list: (checks) => toJson(listRows(checks)),
};
