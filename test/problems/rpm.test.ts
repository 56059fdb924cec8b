// The problems table, one row at a time, on the RPM profiles (Rocky, CentOS).
import { problemsSuite } from '../helpers/problems-suite.js';

problemsSuite('rhel');
