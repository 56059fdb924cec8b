// The problems table with its fixes, one row at a time, on an RPM profile.
import { problemsCleanupSuite } from '../helpers/problems-cleanup-suite.js';

problemsCleanupSuite('rocky-9');
