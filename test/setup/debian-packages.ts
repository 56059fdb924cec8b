// The Debian packages the test suite (and `npm run bench`) needs beyond a fresh machine with Node,
// npm, git, python3 and a compiler: the one list. `npm test` installs the missing ones when it runs
// as root (test/setup/prepare.ts), and a test that needs a command from one of them skips, naming
// the package, when it is still missing (test/helpers/requires.ts).
//
// One row per package: the commands the tests run from it (looked up on PATH), and what for.
// Add a row for a new tool; nothing else needs to change.

export interface DebianPackage {
  name: string;
  commands: readonly string[];
  usedFor: string;
}

export const DEBIAN_PACKAGES: readonly DebianPackage[] = [
  { name: 'mmdebstrap', commands: ['mmdebstrap'], usedFor: 'real Debian roots and the booted VM image' },
  { name: 'zstd', commands: ['zstd'], usedFor: 'the cached root tarballs' },
  { name: 'iproute2', commands: ['ip'], usedFor: 'the loopback of the isolated network namespace' },
  { name: 'util-linux', commands: ['unshare', 'setpriv', 'flock', 'losetup'], usedFor: 'namespaces, running as another user, cache locks' },
  { name: 'mount', commands: ['mount', 'umount'], usedFor: 'overlay and loop mounts' },
  { name: 'bsdutils', commands: ['script'], usedFor: 'the terminal test' },
  { name: 'binutils', commands: ['strip'], usedFor: 'the build of dist/agent' },
  { name: 'e2fsprogs', commands: ['mkfs.ext4', 'debugfs', 'e2fsck', 'chattr'], usedFor: 'disk images, immutable files' },
  { name: 'apt-utils', commands: ['apt-ftparchive'], usedFor: 'the local security repository of the real roots' },
  { name: 'openssh-client', commands: ['ssh-keygen'], usedFor: 'real SSH keys in fixtures' },
  { name: 'libxml2-utils', commands: ['xmllint'], usedFor: 'JUnit output well-formedness' },
  { name: 'rpm', commands: ['rpm', 'rpmbuild', 'rpmsign'], usedFor: 'RPM fixture roots with a real rpm database, their repository signed' },
  { name: 'gpg', commands: ['gpg'], usedFor: "the RPM rig's throwaway signing key (rpmsign calls gpg)" },
  { name: 'dnf', commands: ['dnf'], usedFor: 'security updates of RPM roots' },
  { name: 'createrepo-c', commands: ['createrepo_c', 'modifyrepo_c'], usedFor: 'dnf repositories with a security advisory' },
  { name: 'qemu-system-x86', commands: ['qemu-system-x86_64'], usedFor: 'booting the VM image (software emulation)' },
  { name: 'qemu-utils', commands: ['qemu-img'], usedFor: 'disk images of the Packer build' },
  { name: 'dosfstools', commands: ['mkfs.vfat'], usedFor: 'the NoCloud seed of the first boot' },
  { name: 'mtools', commands: ['mcopy'], usedFor: 'the NoCloud seed of the first boot' },
  { name: 'xorriso', commands: ['xorriso'], usedFor: "the NoCloud seed CD of Packer's qemu builder (cd_files)" },
  { name: 'fdisk', commands: ['sfdisk'], usedFor: 'partition tables of image files (--image)' },
  { name: 'fuse3', commands: ['fusermount3'], usedFor: "qemu-storage-daemon's FUSE export of qcow2, vmdk, vdi and vhdx files" },
  { name: 'qemu-system-common', commands: ['qemu-storage-daemon'], usedFor: 'attaching image files that are not raw (--image)' },
  { name: 'xfsprogs', commands: ['mkfs.xfs'], usedFor: 'an xfs root in an image file' },
  { name: 'btrfs-progs', commands: ['mkfs.btrfs'], usedFor: 'btrfs subvolumes in an image file' },
  { name: 'busybox-static', commands: ['busybox'], usedFor: 'a root with no C library at all (the self-contained binary)' },
  { name: 'packer', commands: ['packer'], usedFor: 'the real Packer builds (qemu builder)' },
  { name: 'strace', commands: ['strace'], usedFor: 'seeing the agent start its helper process on a large target' },
  { name: 'hyperfine', commands: ['hyperfine'], usedFor: 'npm run bench' },
  { name: 'time', commands: ['/usr/bin/time'], usedFor: 'npm run bench (peak memory)' },
];

/** The package that provides a command, from the list above. */
export function packageOf(command: string): DebianPackage | undefined {
  return DEBIAN_PACKAGES.find((p) => p.commands.includes(command));
}
