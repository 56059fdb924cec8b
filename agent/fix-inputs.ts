// What a fix builder reads from its finding. A fixable code is always reported with what its fix
// needs; reporting it without is a bug of the check, which the engine turns into its error.
import type { Finding } from './types.js';

export function at(finding: Finding): string {
  if (finding.path === undefined) throw new Error(`finding '${finding.code}' has no path for its fix`);
  return finding.path;
}

export function subjectOf(finding: Finding): string {
  if (finding.subject === undefined) throw new Error(`finding '${finding.code}' has no subject for its fix`);
  return finding.subject;
}
