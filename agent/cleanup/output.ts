// What `agent cleanup` prints: the JSON form is #/$defs/cleanupReport of the published schema;
// the text form adds a description of each action and what is left to fix by hand.
import type { Report } from '../report.js';
import type { ActionRecord } from './actions.js';

export interface CleanupReport {
  schemaVersion: 1;
  mode: 'plan' | 'apply';
  actions: ActionRecord[];
  before?: Report;
  after?: Report;
}

export interface CleanupOutput {
  json: CleanupReport;
  /** One line per action, parallel to json.actions. */
  descriptions: string[];
  /** Where the cleanup acts, as people say it ("this machine" or the root directory). */
  target: string;
  /** Problems cleanup does not fix, by check, with the reason. */
  unfixed: { check: string; reason: string }[];
}
