// Loads the tests' TypeScript with esbuild. tap's own TypeScript plugin stays in package.json in its
// type-strip-only mode, so its ts-node, which loads the TypeScript compiler into every test process,
// is never loaded. Type checking is `tsc --noEmit` in `npm test`.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
