// The problems table, one row at a time, on the apt profiles (Ubuntu, Debian).
import { problemsSuite } from '../helpers/problems-suite.js';

problemsSuite('debian');
