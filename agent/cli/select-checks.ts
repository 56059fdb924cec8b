// --only and --skip: unknown ids are a usage error, never silently ignored.
import type { CheckModule } from '../types.js';
import { UsageError } from './usage-error.js';

function parseIds(value: string | undefined, option: string, known: ReadonlyMap<string, CheckModule>): Set<string> | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((id) => id.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError(`--${option} needs at least one check id`);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UsageError(`--${option}: unknown check id '${unknown[0]}' (see: agent list)`);
  return new Set(ids);
}

export function selectChecks(all: readonly CheckModule[], known: ReadonlyMap<string, CheckModule>, only?: string, skip?: string): CheckModule[] {
  const onlyIds = parseIds(only, 'only', known);
  const skipIds = parseIds(skip, 'skip', known);
  return all.filter((check) => (!onlyIds || onlyIds.has(check.id)) && !skipIds?.has(check.id));
}
