// The image-file part of the benchmark alone: `node build/run-ts.mjs build/bench-image.ts` (root,
// hyperfine, qemu-utils, qemu-system-common) runs it and puts its section into BENCHMARKS.md,
// leaving the other sections as `npm run bench` last wrote them. BENCH_QUICK=1: one run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageBench, imageSection, writeImageSection } from '../fixtures/image/image-bench.js';
import { REPO } from '../fixtures/scale/cpu-profile.js';

const started = Date.now();
const log = (message: string) => process.stderr.write(`bench [${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
// On this machine's disk, not a tmpfs: the zero fill's cost is the disk's.
const dir = mkdtempSync(join(process.env.BENCH_IMAGE_TMP ?? (tmpdir() === '/tmp' ? '/var/tmp' : tmpdir()), 'agent-bench-image-'));
const result = await imageBench(dir, join(REPO, 'dist', 'agent'), process.env.BENCH_QUICK === '1' ? 1 : 3, log);
writeImageSection(join(REPO, 'BENCHMARKS.md'), imageSection(result));
log('wrote the image section of BENCHMARKS.md');
