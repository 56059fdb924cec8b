// How an image's fstab names its partitions, and what a failed tool's message keeps.
import t from 'tap';
import { parseFstab, partitionOf, subvolumeOf } from '../../agent/image/fstab.js';
import type { Partition } from '../../agent/image/partitions.js';
import { lastLine } from '../../agent/image/system.js';

const PARTITIONS: Partition[] = [
  { number: 1, offset: 1 << 20, size: 1 << 20, partUuid: 'aaaa-1', partLabel: 'bios' },
  { number: 2, offset: 2 << 20, size: 100 << 20, partUuid: '0a1b2c3d-02', partLabel: 'root', fsType: 'ext4', fsUuid: '5e1f-uuid', fsLabel: 'cloudimg-rootfs' },
  { number: 15, offset: 200 << 20, size: 10 << 20, fsType: 'vfat', fsUuid: 'ab12-cd34', fsLabel: 'UEFI' },
];

t.test('parseFstab: comments, blank lines, octal escapes, missing fields', async (t) => {
  const entries = parseFstab('# comment\n\nUUID=5E1F-UUID / ext4 errors=remount-ro 0 1\nLABEL=My\\040Data /srv/my\\040data xfs\nnone swap swap sw\n  /dev/vda15   /boot/efi vfat umask=0077 0 1\n');
  t.same(
    entries.map((e) => [e.spec, e.mountPoint, e.type, e.options.join(',')]),
    [
      ['UUID=5E1F-UUID', '/', 'ext4', 'errors=remount-ro'],
      ['LABEL=My Data', '/srv/my data', 'xfs', 'defaults'],
      ['/dev/vda15', '/boot/efi', 'vfat', 'umask=0077'],
    ],
    'swap (no absolute mount point) is left out',
  );
});

t.test('partitionOf: every way fstab names a file system', async (t) => {
  const cases: [string, number | undefined][] = [
    ['UUID=5E1F-UUID', 2],
    ['/dev/disk/by-uuid/5e1f-uuid', 2],
    ['LABEL=cloudimg-rootfs', 2],
    ['/dev/disk/by-label/UEFI', 15],
    ['PARTUUID=0A1B2C3D-02', 2],
    ['PARTLABEL=bios', 1],
    ['/dev/vda2', 2],
    ['/dev/sda15', 15],
    ['/dev/nvme0n1p2', 2],
    ['/dev/xvda1', 1],
    ['UUID=other', undefined],
    ['tmpfs', undefined],
    ['server:/export', undefined],
  ];
  for (const [spec, number] of cases) {
    t.equal(partitionOf({ spec, mountPoint: '/x', type: 'auto', options: [] }, PARTITIONS)?.number, number, spec);
  }
});

t.test('subvolumeOf: subvol= with or without a leading slash', async (t) => {
  t.equal(subvolumeOf({ spec: 'x', mountPoint: '/', type: 'btrfs', options: ['compress=zstd', 'subvol=/@'] }), '@');
  t.equal(subvolumeOf({ spec: 'x', mountPoint: '/home', type: 'btrfs', options: ['subvol=@home'] }), '@home');
  t.equal(subvolumeOf({ spec: 'x', mountPoint: '/', type: 'btrfs', options: ['defaults'] }), undefined);
});

t.test('lastLine: the reason, without the work directory or the pointer to dmesg', async (t) => {
  const mount = 'mount: /run/marketplace-agent/image-123/p2: wrong fs type, bad option, bad superblock on /dev/loop3, missing codepage or helper program, or other error.\n       dmesg(1) may have more information after failed mount system call.\n';
  t.equal(lastLine({ code: 32, stdout: '', stderr: mount }), 'wrong fs type, bad option, bad superblock on /dev/loop3, missing codepage or helper program, or other error.');
  t.equal(lastLine({ code: 1, stdout: '', stderr: 'sfdisk: /run/marketplace-agent/image-9/disk: cannot open' }), 'cannot open');
  t.equal(lastLine({ code: 1, stdout: '', stderr: '' }), 'exit code 1');
});
