// The problems table with its fixes, one row at a time, on an apt profile.
import { problemsCleanupSuite } from '../helpers/problems-cleanup-suite.js';

problemsCleanupSuite('ubuntu-24.04');
