// defineCheck: a check file holds only what is its own (in the spirit of typescript-eslint's
// createRule); defaults and what is derived (whether cleanup can fix it) are filled in here.
import type { CheckDefinition, CheckModule } from './types.js';

export function defineCheck(definition: CheckDefinition): CheckModule {
  return {
    liveOnly: false,
    appliesTo: () => true,
    ...definition,
    canFix: Object.values(definition.codes).some((fix) => fix !== null),
  };
}
