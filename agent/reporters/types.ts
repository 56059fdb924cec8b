import type { CleanupOutput } from '../cleanup/output.js';
import type { Report } from '../report.js';
import type { CheckModule } from '../types.js';

export interface RenderContext {
  color: boolean;
  modules: ReadonlyMap<string, CheckModule>;
}

/** One output format (as goss's outputs): the commands pick it by name; checks never see it. */
export interface Reporter {
  name: string;
  /** A check report. */
  report(report: Report, context: RenderContext): string;
  /** The same text as report(), in pieces, for a format whose text can be too big to hold twice. */
  reportChunks?(report: Report, context: RenderContext): Iterable<string>;
  /** The cleanup plan or its outcome; absent: `cleanup` does not offer this format. */
  cleanup?(output: CleanupOutput, context: RenderContext): string;
  /** The registry of checks; absent: `list` does not offer this format. */
  list?(checks: readonly CheckModule[], context: RenderContext): string;
}
