// JSON for scripts: the report as published in agent/report.schema.json. A finding's fix and its
// subject are the engine's working data, not part of the report: they are not enumerable
// (agent/findings.ts internal), so JSON.stringify leaves them out.
import type { CheckModule } from '../types.js';
import { jsonChunks } from './json-chunks.js';
import type { Reporter } from './types.js';

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function listRows(checks: readonly CheckModule[]) {
  return checks.map(({ id, title, severity, canFix, description, liveOnly, codes }) => ({ id, title, severity, fixable: canFix, liveOnly, description, codes: Object.keys(codes) }));
}

export const jsonReporter: Reporter = {
  name: 'json',
  report: (report) => toJson(report),
  reportChunks: (report) => jsonChunks(report),
  cleanup: (output) => toJson(output.json),
  list: (checks) => toJson(listRows(checks)),
};
