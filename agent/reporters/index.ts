// Output formats by name: adding one does not touch the checks or the engine, and the commands'
// --format choices come from here.
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { textReporter } from './text.js';
import type { Reporter } from './types.js';

export const REPORTERS: ReadonlyMap<string, Reporter> = new Map([textReporter, jsonReporter, junitReporter].map((r) => [r.name, r]));

/** The formats that can render what a command prints. */
export function formatsFor(output: 'report' | 'cleanup' | 'list'): string[] {
  return [...REPORTERS.values()].filter((reporter) => output === 'report' || reporter[output] !== undefined).map((reporter) => reporter.name);
}

export function reporterFor(name: string): Reporter {
  const reporter = REPORTERS.get(name);
  if (!reporter) throw new Error(`no reporter named ${name}`);
  return reporter;
}
