// The one way the agent runs a command: argument arrays (no shell), a timeout that kills the
// whole process group, bounded captured output, and a result instead of an exception.
import { maskUrlCredentials } from './redact.js';
import { commandTempDir } from './scratch.js';
import { spawn } from 'node:child_process';

export interface RunOptions {
  timeoutMs: number;
  env?: Record<string, string | undefined>;
  /** LC_ALL for the command (agent/locale.ts picks it for this machine); C.UTF-8 when not given. */
  locale?: string;
  cwd?: string;
  input?: string;
  /** Keep at most this many bytes of each stream (the rest is counted, not kept). */
  maxBytes: number;
  /** Also stream stderr here as it comes (package manager progress in a Packer log). */
  onStderr?: (chunk: Buffer) => void;
}

export interface RunResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started (not installed, not executable). */
  spawnError?: string;
  durationMs: number;
}

// Process groups still running: a check that timed out leaves its command behind, and the agent
// must not outlive its report (or leave the command orphaned) waiting for it.
const running = new Set<number>();
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

// `env -i ./agent` leaves no PATH; package tools still need one.
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function runCommand(command: string, args: readonly string[], options: Partial<RunOptions> = {}): Promise<RunResult> {
  const { timeoutMs = 120_000, maxBytes = 16 * 1024 * 1024 } = options;
  const env: Record<string, string | undefined> = { ...process.env, LC_ALL: options.locale ?? 'C.UTF-8', TMPDIR: commandTempDir(), ...options.env };
  if (!env.PATH) env.PATH = DEFAULT_PATH;
  const started = Date.now();
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let spawnError: string | undefined;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // its own process group, so a timeout kills its children too
    });
    if (child.pid) running.add(child.pid);
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      // Only the part that fits: a whole chunk (up to 64 KiB) would overshoot the limit.
      if (outBytes < maxBytes) out.push(chunk.subarray(0, maxBytes - outBytes));
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes < maxBytes) err.push(chunk.subarray(0, maxBytes - errBytes));
      errBytes += chunk.length;
      options.onStderr?.(chunk);
    });
    child.stdin.on('error', () => {
      // the command may exit before reading its input
    });
    child.stdin.end(options.input ?? '');
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code === 'ENOENT' ? `${command}: command not found` : `${command}: ${error.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (child.pid) running.delete(child.pid);
      resolve({
        command: [command, ...args].join(' '),
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        spawnError,
        durationMs: Date.now() - started,
      });
    });
  });
}

/** One line saying why a command did not succeed, for an `error` result. */
export function describeFailure(result: RunResult): string {
  if (result.spawnError) return result.spawnError;
  if (result.timedOut) return `${result.command.split(' ')[0]} timed out after ${Math.round(result.durationMs / 1000)} s`;
  const lastLine = maskUrlCredentials(result.stderr.trim().split('\n').filter(Boolean).pop() ?? '');
  const status = result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
  return lastLine ? `${status}: ${lastLine}` : status;
}
