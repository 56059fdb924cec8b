// machine-id: a file that is not a regular one is reported, never read and never passed over.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Host } from '../../agent/host.js';
import { machineId } from '../../checks/machine-id.js';

function tempRoot(t: Test): string {
  const root = mkdtempSync(join(tmpdir(), 'machine-id-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'var/lib/dbus'), { recursive: true });
  return root;
}

async function findingsOf(root: string): Promise<string[]> {
  const result = await machineId.run(new Host(root, 'root'));
  return result.findings.map((f) => `${f.status} ${f.code} ${f.path}: ${f.message}`);
}

t.test('an empty /etc/machine-id with the dbus one linked to it passes', async (t) => {
  const root = tempRoot(t);
  writeFileSync(join(root, 'etc/machine-id'), '');
  symlinkSync('/etc/machine-id', join(root, 'var/lib/dbus/machine-id'));
  t.same(await findingsOf(root), []);
  rmSync(join(root, 'var/lib/dbus/machine-id'));
  symlinkSync('../../../etc/machine-id', join(root, 'var/lib/dbus/machine-id'));
  t.same(await findingsOf(root), [], 'a relative link too');
});

t.test('a FIFO /etc/machine-id is reported, not opened', async (t) => {
  const root = tempRoot(t);
  execFileSync('mkfifo', [join(root, 'etc/machine-id')]);
  t.same(await findingsOf(root), ['warn not-a-file /etc/machine-id: machine-id is a FIFO, not a regular file (not read)']);
});

t.test('a linked /etc/machine-id is reported with its target in the image, not followed', async (t) => {
  const root = tempRoot(t);
  mkdirSync(join(root, 'srv'));
  writeFileSync(join(root, 'srv/id'), '0123456789abcdef0123456789abcdef\n');
  symlinkSync('/srv/id', join(root, 'etc/machine-id'));
  // The host's own /etc/machine-id would be reached if the link were followed on the host.
  symlinkSync('/etc/hostname', join(root, 'var/lib/dbus/machine-id'));
  t.same(await findingsOf(root), [
    'warn not-a-file /etc/machine-id: machine-id is a symbolic link to /srv/id (not followed)',
    'warn not-a-file /var/lib/dbus/machine-id: machine-id is a symbolic link to /etc/hostname (not followed)',
  ]);
});

t.test('a directory is reported; ids in regular files still are', async (t) => {
  const root = tempRoot(t);
  mkdirSync(join(root, 'etc/machine-id'));
  writeFileSync(join(root, 'var/lib/dbus/machine-id'), '0123456789abcdef0123456789abcdef\n');
  t.same(await findingsOf(root), [
    'warn not-a-file /etc/machine-id: machine-id is a directory, not a regular file (not read)',
    'warn machine-id /var/lib/dbus/machine-id: holds a machine id that every Droplet would share',
  ]);
});

t.test('a link loop is an error, never a pass', async (t) => {
  const root = tempRoot(t);
  symlinkSync('machine-id', join(root, 'etc/machine-id'));
  const findings = await findingsOf(root);
  t.equal(findings.length, 1);
  t.match(findings[0], /^error unreadable \/etc\/machine-id: .*symbolic link/);
  t.notMatch(findings[0], root, 'no host path');
});
