// Loads the tests' TypeScript with esbuild (tap's own TypeScript plugin is turned off in package.json):
// tap's plugin loads the TypeScript compiler into every test process, about two seconds of CPU a
// file, a sixth of the whole suite on two cores. Type checking is `tsc --noEmit` in `npm test`.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
