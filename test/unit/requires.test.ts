// The test suite's own set-up: the package list and the skip reasons built from it.
import t from 'tap';
import { DEBIAN_PACKAGES, packageOf } from '../setup/debian-packages.js';
import * as needs from '../helpers/requires.js';

const { IS_ROOT, requires } = needs;
const NAMED: Record<string, needs.Requirements> = {
  REAL_ROOTS: needs.REAL_ROOTS,
  RPM_ROOTS: needs.RPM_ROOTS,
  DNF_ROOTS: needs.DNF_ROOTS,
  OTHER_USER: needs.OTHER_USER,
  MOUNT_NAMESPACE: needs.MOUNT_NAMESPACE,
  BOOTED_IMAGE: needs.BOOTED_IMAGE,
  CLEANUP_APPLY: needs.CLEANUP_APPLY,
};

t.test('the package list: one row per package, each with the commands the tests run from it', async (t) => {
  const names = DEBIAN_PACKAGES.map((p) => p.name);
  t.same(names.filter((name, i) => names.indexOf(name) !== i), [], 'no package twice');
  for (const p of DEBIAN_PACKAGES) t.ok(p.commands.length > 0 && p.usedFor, `${p.name}: commands and a reason`);
  const commands = DEBIAN_PACKAGES.flatMap((p) => p.commands);
  t.same(commands.filter((c, i) => commands.indexOf(c) !== i), [], 'no command in two packages');
});

t.test('every command a named requirement needs comes from a listed package', async (t) => {
  for (const [name, req] of Object.entries(NAMED)) {
    for (const command of req.commands ?? []) t.ok(packageOf(command), `${name}: ${command} is in test/setup/debian-packages.ts`);
  }
});

t.test('skip reasons: one line, saying what is missing and what to run', async (t) => {
  t.equal(requires({}), false, 'nothing needed: no skip');
  const root = requires({ root: 'loop mounts' });
  if (IS_ROOT) t.equal(root, false, 'root is there');
  else t.equal(root, 'needs root (loop mounts): run npm test as root');

  const missing = requires({ commands: ['/nonexistent/mpa-tool'] });
  t.type(missing, 'string');
  t.notMatch(String(missing), /\n/, 'one line');
  t.match(String(missing), /^needs \/nonexistent\/mpa-tool \(Debian package \(unlisted: \/nonexistent\/mpa-tool\)\), not installed: run npm test as root/);
  t.equal(requires({ commands: ['sh'] }), false, 'a command on PATH is there');
  t.ok(needs.hasCommand('/bin/sh') && !needs.hasCommand('/nonexistent/sh'), 'absolute paths are checked as they are');
});
