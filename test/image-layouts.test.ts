// --image on disk layouts built here from small trees: MBR with an xfs root and /usr on its own
// ext4 partition (found through the image's fstab), btrfs with @ and @home subvolumes, a 26 GiB
// sparse disk (disk-size), disks without a Linux root, missing tools, and --reclaim-free-space
// (holes punched in raw and qcow2 files; the zero fill where the file system cannot discard).
import t from 'tap';
import { requires } from './helpers/requires.js';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  allocatedBytes,
  btrfsSubvolumeImage,
  convertImage,
  gptExt4Image,
  mbrXfsWithSeparateUsr,
  MIB,
  minimalTree,
  partitionDisk,
  mkfsExt4At,
} from '../fixtures/image/disk-images.js';
import { SecretLedger } from '../fixtures/synthetic/secrets.js';
import { parseCleanup, parseReport, runAgent, type ReportJson } from './helpers/agent.js';
import { leakedSecrets } from './helpers/expect.js';
import { leftoversUnder, NOTHING_LEFT } from './helpers/image-work.js';

const skip = requires({ root: 'loop devices and mounts of image files', commands: ['qemu-img', 'qemu-storage-daemon', 'sfdisk', 'losetup', 'fusermount3', 'mkfs.ext4', 'mkfs.xfs', 'mkfs.btrfs'] });
const dir = mkdtempSync(join(tmpdir(), 'image-layouts-'));
chmodSync(dir, 0o755);
// Each test file has its own work directory base: another file's live runs are not leftovers here.
const WORK = join(dir, 'work');
const env = { AGENT_IMAGE_WORK_DIR: WORK };
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

interface Applied {
  actions: { check: string; kind: string; path?: string; status: string; reason?: string }[];
}

function checkImage(file: string, args: string[] = []): { code: number | null; stderr: string; report?: ReportJson } {
  const run = runAgent(['check', '--image', file, '--offline', '--format', 'json', ...args], { env });
  return { code: run.code, stderr: run.stderr, report: run.stdout ? parseReport(run.stdout) : undefined };
}

t.test('layouts', { skip }, async (t) => {
  const tree = minimalTree(join(dir, 'tree'));
  const ledger = new SecretLedger();
  writeFileSync(join(tree, 'etc/passwd'), 'someone:x:1000:1000::/home/someone:/bin/bash\n', { flag: 'a' });
  mkdirSync(join(tree, 'home/someone/.ssh'), { recursive: true });
  writeFileSync(join(tree, 'home/someone/.ssh/authorized_keys'), ledger.keyPair('ed25519', ledger.canary('comment')).publicKey);

  await t.test('MBR, xfs root, /usr on its own ext4 partition named by UUID in the fstab', async (t) => {
    const raw = join(dir, 'xfs-usr.raw');
    mbrXfsWithSeparateUsr(tree, raw);
    const qcow2 = join(dir, 'xfs-usr.qcow2');
    convertImage(raw, 'qcow2', qcow2);
    for (const file of [raw, qcow2]) {
      const run = checkImage(file, ['--only', 'tmp-dirs,ssh-authorized-keys']);
      // /etc/os-release is a link into /usr: without /usr mounted the distribution is unknown (exit 3).
      t.equal(run.code, 1, `${file.split('.').pop()}: exit 1 (the key in /home), so the distribution was found through /usr`, { stderr: run.stderr });
      t.equal(run.report?.host.distro.id, 'debian');
      t.equal(run.report?.target.image, file, 'the report names the image file');
      t.same(leakedSecrets(ledger.secrets, [JSON.stringify(run.report), run.stderr]), [], 'no key material in the output');
    }
    t.same(leftoversUnder(WORK), NOTHING_LEFT, 'nothing left attached');
  });

  await t.test('btrfs: root in subvolume @, /home in @home through the fstab', async (t) => {
    const raw = join(dir, 'btrfs.raw');
    // A hostile entry: a subvolume path that climbs out of the file system (to the host's /etc).
    mkdirSync(join(tree, 'srv'), { recursive: true });
    btrfsSubvolumeImage(tree, raw, 'LABEL=linux /srv btrfs subvol=../../../../../../etc 0 0\n');
    const run = checkImage(raw, ['--only', 'ssh-authorized-keys']);
    t.match(run.stderr, /^agent: --image: \/srv \(partition 1\) is not mounted: its subvolume is missing$/m, 'the climbing subvolume stays inside the file system (where there is no /etc)');
    const findings = run.report?.checks[0].findings.map((f) => [f.code, f.path]);
    t.same(findings, [['authorized-key', '/home/someone/.ssh/authorized_keys']], 'the key in @home is found at its path in the image', { stderr: run.stderr });
    t.same(leftoversUnder(WORK), NOTHING_LEFT, 'nothing left attached');
  });

  await t.test('disk-size: the image virtual size (26 GiB sparse) warns; --root cannot see it', async (t) => {
    const raw = join(dir, 'big.raw');
    gptExt4Image(tree, raw, 26 * 1024 * MIB);
    const viaImage = checkImage(raw, ['--only', 'disk-size']);
    t.same(viaImage.report?.checks.map((c) => [c.id, c.status, c.findings.map((f) => f.code)]), [['disk-size', 'warn', ['disk-too-big']]]);
    t.equal(viaImage.code, 0, 'a warning: exit 0');
    const viaRoot = parseReport(runAgent(['check', '--root', tree, '--only', 'disk-size', '--format', 'json']).stdout);
    t.equal(viaRoot.checks[0].status, 'skip', '--root: skipped');
    rmSync(raw);
  });

  await t.test('a disk without a Linux root: one clear line, exit 3, nothing left', async (t) => {
    const noRoot = join(dir, 'no-root.raw');
    const empty = mkdtempSync(join(dir, 'data-'));
    writeFileSync(join(empty, 'data.bin'), 'just data\n');
    const [part] = partitionDisk(noRoot, 64 * MIB, 'label: gpt\ntype=L\n');
    mkfsExt4At(noRoot, part, empty);
    const blank = join(dir, 'blank.raw');
    execFileSync('truncate', ['--size', '64M', blank]);
    const cases: [string, RegExp][] = [
      [noRoot, /^agent: --image \S+: no Linux root on the disk: no file system holds \/etc\/os-release \(found partition 1: ext4\)$/],
      [blank, /^agent: --image \S+: no Linux root on the disk: no ext4, xfs or btrfs file system \(found the whole disk: no file system\)$/],
    ];
    for (const [file, message] of cases) {
      const run = runAgent(['check', '--image', file], { env });
      t.equal(run.code, 3, `${file}: exit 3`);
      t.match(run.stderr.trim(), message);
      t.equal(run.stderr.trim().split('\n').length, 1, 'one line');
      t.equal(run.stdout, '', 'no report');
    }
    t.same(leftoversUnder(WORK), NOTHING_LEFT, 'nothing left attached');
  });

  await t.test('usage and missing tools', async (t) => {
    const raw = join(dir, 'small.raw');
    gptExt4Image(tree, raw, 64 * MIB);
    const qcow2 = join(dir, 'small.qcow2');
    convertImage(raw, 'qcow2', qcow2);
    t.equal(runAgent(['check', '--image', raw, '--root', tree], { env }).code, 2, '--image with --root: usage error');
    t.equal(runAgent(['check', '--image', join(dir, 'nope.qcow2')], { env }).code, 2, 'no such file: usage error');
    t.equal(runAgent(['cleanup', '--image', raw, '--reclaim-free-space', '--zero-free-space'], { env }).code, 2, 'both free-space methods: usage error');
    const notRoot = runAgent(['check', '--image', raw], { env, uid: 65534 });
    t.equal(notRoot.code, 3, 'not root: exit 3');
    t.match(notRoot.stderr, /needs root/);

    // A PATH with everything but one tool.
    const bin = (without: string[]) => {
      const path = mkdtempSync(join(dir, 'bin-'));
      for (const tool of ['losetup', 'mount', 'umount', 'sfdisk', 'blkid', 'qemu-img', 'qemu-storage-daemon']) {
        if (without.includes(tool)) continue;
        symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(path, tool));
      }
      return path;
    };
    const noQemuImg = runAgent(['check', '--image', raw], { env: { ...env, PATH: bin(['qemu-img']) } });
    t.equal(noQemuImg.code, 3, 'without qemu-img: exit 3');
    t.match(noQemuImg.stderr, /^agent: --image \S+: attaching an image needs qemu-img on this machine \(Debian: apt-get install qemu-utils\)\n$/);
    const noDaemon = bin(['qemu-storage-daemon']);
    t.equal(runAgent(['check', '--image', raw, '--only', 'tmp-dirs'], { env: { ...env, PATH: noDaemon } }).code, 0, 'raw needs no qemu-storage-daemon');
    const qcow2Run = runAgent(['check', '--image', qcow2, '--only', 'tmp-dirs'], { env: { ...env, PATH: noDaemon } });
    t.equal(qcow2Run.code, 3, 'qcow2 without qemu-storage-daemon: exit 3');
    t.match(qcow2Run.stderr, /needs qemu-storage-daemon on this machine \(Debian: apt-get install qemu-system-common\)/);
    t.same(leftoversUnder(WORK), NOTHING_LEFT, 'nothing left attached');
  });
});

t.test('--reclaim-free-space', { skip }, async (t) => {
  // 200 MiB of incompressible data in /tmp, which cleanup removes: its blocks are what trimming frees.
  const tree = minimalTree(join(dir, 'junk-tree'));
  const junk = join(tree, 'tmp/junk.bin');
  for (let i = 0; i < 20; i++) writeFileSync(junk, randomBytes(10 * MIB), { flag: 'a' });
  const raw = join(dir, 'junk.raw');
  gptExt4Image(tree, raw, 512 * MIB);

  for (const format of ['raw', 'qcow2', 'vmdk'] as const) {
    await t.test(format, async (t) => {
      const file = join(dir, `reclaim.${format}`);
      convertImage(raw, format, file);
      const before = allocatedBytes(file);
      const run = runAgent(['cleanup', '--image', file, '--yes', '--reclaim-free-space', '--only', 'tmp-dirs', '--offline', '--format', 'json'], { env });
      const applied = parseCleanup<Applied>(run.stdout);
      t.same(applied.actions.filter((a) => a.status === 'failed'), [], 'no action failed', { stderr: run.stderr });
      t.ok(applied.actions.some((a) => a.path === '/tmp/junk.bin' && a.status === 'done'), 'the junk file was removed', { actions: applied.actions });
      const trim = applied.actions.find((a) => a.kind === 'trim-free-space');
      t.equal(trim?.status, 'done', 'trimmed');
      t.match(trim?.reason ?? '', /MiB of free blocks discarded in [\d.]+ s; image file .* allocated/, 'says what it trimmed and the file size');
      const after = allocatedBytes(file);
      if (format === 'vmdk') {
        t.match(trim?.reason ?? '', /qemu cannot give space back to a vmdk file/, 'says the vmdk keeps its size');
      } else {
        t.ok(after < before - 150 * MIB, `the ${format} file shrank by the junk: ${before >> 20} -> ${after >> 20} MiB`);
      }
      if (format !== 'raw') t.doesNotThrow(() => execFileSync('qemu-img', ['check', file], { stdio: 'ignore' }), 'qemu-img check: consistent');
      t.equal(checkImage(file, ['--only', 'tmp-dirs']).code, 0, 'check --image passes afterwards');
      t.same(leftoversUnder(WORK), NOTHING_LEFT, 'nothing left attached');
      rmSync(file);
    });
  }

  await t.test('a file system that cannot discard (tmpfs): the zero fill instead, saying so', async (t) => {
    const mnt = mkdtempSync(join(dir, 'tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mnt]);
    t.teardown(() => execFileSync('umount', [mnt]));
    minimalTree(mnt);
    writeFileSync(join(mnt, 'tmp/left.txt'), 'left over\n');
    const run = runAgent(['cleanup', '--root', mnt, '--yes', '--reclaim-free-space', '--only', 'tmp-dirs', '--offline', '--format', 'json']);
    const applied = parseCleanup<Applied>(run.stdout);
    const trim = applied.actions.find((a) => a.kind === 'trim-free-space');
    t.equal(trim?.status, 'done', 'the free space was reclaimed the other way');
    t.match(trim?.reason ?? '', /^the disk cannot discard: zero fill instead: \d+ MiB of zeros written and removed$/, 'and the record says how');
    t.same(readdirSync(mnt).filter((name) => name.startsWith('.marketplace-agent-zero-')), [], 'the zero file is gone');
  });
});
