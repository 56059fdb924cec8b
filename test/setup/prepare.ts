// First step of `npm test`: install the Debian packages the suite needs and is missing (as root,
// with apt-get), then warm the fixture cache (the real Debian root tarballs and the booted VM
// image), so that the suite itself only reads them. Not root: nothing is installed or built; one
// line says what is missing, and the tests that need root or those packages skip with the reason.
//
// It never fails the run for a package that cannot be installed (the tests that need it skip and
// say so); a cache that cannot be built with every tool present is a real failure (exit 1).
import { spawnSync } from 'node:child_process';
import { hasCommand, IS_ROOT } from '../helpers/requires.js';
import { DEBIAN_PACKAGES } from './debian-packages.js';

const say = (line: string) => console.log(`test set-up: ${line}`);
const seconds = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** Packages of the list that dpkg does not have installed. */
function missingPackages(): string[] {
  const names = DEBIAN_PACKAGES.map((p) => p.name);
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...names], { encoding: 'utf8' });
  const installed = new Set(
    (r.stdout ?? '')
      .split('\n')
      .filter((line) => line.endsWith(' install ok installed'))
      .map((line) => line.split(' ')[0]),
  );
  return names.filter((name) => !installed.has(name));
}

function apt(args: string[], quiet = false): boolean {
  const r = spawnSync('apt-get', ['-q', '-o', 'DPkg::Lock::Timeout=600', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  if (r.status === 0) return true;
  const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-3).join(' | ');
  if (!quiet) say(`apt-get ${args.at(-1)} failed (${r.error?.message ?? `exit ${r.status}`}): ${tail}`);
  return false;
}

function installMissing(): void {
  const missing = missingPackages();
  if (!IS_ROOT) {
    const also = missing.length ? ` and those that need the ${missing.length} missing Debian packages (${missing.join(' ')})` : '';
    say(`not root: the tests that need root${also} are skipped, each saying why; run npm test as root to run them all`);
    return;
  }
  if (missing.length === 0) return;
  const t0 = Date.now();
  say(`installing ${missing.length} Debian packages: ${missing.join(' ')}`);
  if (!apt(['update'])) say('continuing with the package lists on disk');
  const install = (names: string[], quiet = false) => apt(['install', '-y', '--no-install-recommends', ...names], quiet);
  // All at once; if that fails, one at a time, so one package the archive lacks costs only its tests.
  const failed = install(missing, true) ? [] : missing.filter((name) => !install([name]));
  say(failed.length ? `not installed: ${failed.join(' ')}; the tests that need them are skipped` : `installed in ${seconds(t0)}`);
}

/** Runs a cache warm-up script; what it prints (built or cached, how long) goes to the log. */
function warm(script: string, needs: string[]): void {
  if (!IS_ROOT) return;
  const missing = needs.filter((c) => !hasCommand(c));
  if (missing.length) {
    say(`${script} not run: ${missing.join(', ')} missing`);
    return;
  }
  const r = spawnSync(process.execPath, ['build/run-ts.mjs', script], { stdio: 'inherit' });
  if (r.status !== 0) {
    say(`${script} failed (exit ${r.status}): the real-root tests cannot run`);
    process.exit(1);
  }
}

const t0 = Date.now();
installMissing();
// Cold (once a week), the three Debian roots take 2 to 5 minutes and the booted image 2 to 6 on 2 cores.
warm('fixtures/real/build-cache.ts', ['mmdebstrap', 'zstd']);
warm('fixtures/real/warm-booted.ts', ['mmdebstrap', 'qemu-system-x86_64', 'mkfs.ext4']);
say(`ready in ${seconds(t0)}`);
