// The problems table with its fixes, one row at a time, on an RPM profile: half 1 of its rows
// (all of an RPM root's cleanups in one file come near tap's per-file limit).
import { problemsCleanupSuite } from '../helpers/problems-cleanup-suite.js';

problemsCleanupSuite('rocky-9', { part: 0, of: 2 });
