// The executable's entry: the single-executable runtime starts here.
import { main } from './main.js';

/**
 * Resolves once what was written to the stream has left the process. A pipe whose reader is slower
 * than the agent (`agent check | less`, Packer's SSH session) takes 64 KiB at once; the rest waits
 * in the stream, and exiting before it is written cut a long report there.
 */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    // A reader that went away (EPIPE) will not take the rest: nothing to wait for.
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}

// Exit as soon as the report is out: a check that timed out may still have a command running
// (the runner kills those on exit).
main(process.argv.slice(2)).then(async (code) => {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
});
