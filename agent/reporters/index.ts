// Output formats by name: adding one does not touch the checks or the engine.
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { textReporter } from './text.js';
import type { Reporter } from './types.js';

export const REPORTERS: ReadonlyMap<string, Reporter> = new Map([textReporter, jsonReporter, junitReporter].map((r) => [r.name, r]));
