// The executable's entry: the single-executable runtime starts here.
import { main } from './main.js';

// Exit as soon as the report is out: a check that timed out may still have a command running
// (the runner kills those on exit). stdout and stderr are synchronous for files and pipes on Linux.
main(process.argv.slice(2)).then((code) => process.exit(code));
