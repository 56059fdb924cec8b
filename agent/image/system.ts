// The system tools that attach an image file, run synchronously: attaching takes a few short
// commands, and detaching must also work from an 'exit' handler, where nothing asynchronous runs.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The image could not be attached or read: one line, exit 3. */
export class ImageError extends Error {}

/** A tool the machine running the agent lacks: one line naming it, exit 3. */
export class MissingToolError extends ImageError {}

// `env -i ./agent` leaves no PATH; the tools live in the sbin directories. A PATH that is set
// is taken as it is, as the runner does.
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function toolPath(): string {
  return process.env.PATH || DEFAULT_PATH;
}

/** Where each tool comes from on Debian (the error message names the package to install). */
export const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  losetup: 'mount',
  mount: 'mount',
  umount: 'mount',
  blkid: 'util-linux',
  sfdisk: 'fdisk',
  fstrim: 'util-linux',
  'qemu-img': 'qemu-utils',
  'qemu-storage-daemon': 'qemu-system-common',
};


export function findTool(name: string): string | undefined {
  for (const dir of toolPath().split(':').filter(Boolean)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function requireTools(names: readonly string[], purpose: string): void {
  for (const name of names) {
    if (!findTool(name)) {
      const pkg = TOOL_PACKAGES[name];
      throw new MissingToolError(`${purpose} needs ${name} on this machine${pkg ? ` (Debian: apt-get install ${pkg})` : ''}`);
    }
  }
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool and returns what it said, whatever its exit code. */
export function tryTool(name: string, args: readonly string[], timeoutMs = 60_000): ToolResult {
  const result = spawnSync(findTool(name) ?? name, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, LC_ALL: 'C', PATH: toolPath() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) return { code: null, stdout: '', stderr: `${name}: ${result.error.message}` };
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Paths in the work directory (/run/marketplace-agent/image-PID/p2) mean nothing to the user.
const WORK_PATH = /\S*\/image-\d+(\/\S*?)?(?=[:\s]|$)/g;

/** The line that says why a tool failed, without the host paths of the work directory. */
export function lastLine(result: ToolResult): string {
  // mount ends with a pointer to dmesg; the reason is the line before.
  const lines = result.stderr.trim().split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('dmesg('));
  const line = (lines.pop() ?? `exit code ${result.code}`).replace(WORK_PATH, '').replace(/^[\w.-]+: :\s*/, '');
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

/** Runs a tool; throws ImageError with `what` and the tool's last line when it fails. */
export function mustTool(name: string, args: readonly string[], what: string, timeoutMs?: number): string {
  const result = tryTool(name, args, timeoutMs);
  if (result.code !== 0) throw new ImageError(`${what}: ${lastLine(result)}`);
  return result.stdout;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks for ms milliseconds (teardown runs in 'exit' handlers, where timers never fire). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Polls until done() or the time is up; returns done()'s last answer. */
export function waitSync(done: () => boolean, timeoutMs: number, stepMs = 20): boolean {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (done()) return true;
    if (Date.now() >= until) return false;
    sleepSync(stepMs);
  }
}
