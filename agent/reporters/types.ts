import type { Report } from '../report.js';
import type { CheckModule } from '../types.js';

export interface RenderContext {
  color: boolean;
  modules: ReadonlyMap<string, CheckModule>;
}

export interface Reporter {
  name: string;
  render(report: Report, context: RenderContext): string;
}
