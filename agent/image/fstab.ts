// The image's own /etc/fstab: which partition of this disk the image mounts where (/usr, /home,
// /var... when they are separate), so the checks see the tree the image sees when it boots.
import type { Partition } from './partitions.js';

export interface FstabEntry {
  spec: string;
  mountPoint: string;
  type: string;
  options: string[];
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export function parseFstab(text: string): FstabEntry[] {
  const entries: FstabEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [spec, mountPoint, type = 'auto', options = 'defaults'] = line.split(/\s+/);
    if (!spec || !mountPoint?.startsWith('/')) continue;
    entries.push({ spec: unescape(spec), mountPoint: unescape(mountPoint), type, options: options.split(',') });
  }
  return entries;
}

// How fstab names a file system, each with the partition field it matches. Device names
// (/dev/vda2, /dev/nvme0n1p2) name the partition by its number: the disk's name on the machine
// that will boot the image is unknown, its partition numbers are the table's.
const SPEC_FORMS: readonly { pattern: RegExp; matches: (p: Partition, value: string) => boolean }[] = [
  { pattern: /^(?:UUID=|\/dev\/disk\/by-uuid\/)(.+)$/, matches: (p, v) => p.fsUuid === v.toLowerCase() },
  { pattern: /^(?:LABEL=|\/dev\/disk\/by-label\/)(.+)$/, matches: (p, v) => p.fsLabel === v },
  { pattern: /^(?:PARTUUID=|\/dev\/disk\/by-partuuid\/)(.+)$/, matches: (p, v) => p.partUuid === v.toLowerCase() },
  { pattern: /^(?:PARTLABEL=|\/dev\/disk\/by-partlabel\/)(.+)$/, matches: (p, v) => p.partLabel === v },
  { pattern: /^\/dev\/(?:[sv]d[a-z]+|xvd[a-z]+|nvme\d+n\d+p|mmcblk\d+p)(\d+)$/, matches: (p, v) => p.number === Number(v) },
];

/** The partition of this disk that an fstab entry names, if any. */
export function partitionOf(entry: FstabEntry, partitions: readonly Partition[]): Partition | undefined {
  for (const form of SPEC_FORMS) {
    const value = form.pattern.exec(entry.spec)?.[1];
    if (value !== undefined) return partitions.find((p) => form.matches(p, value));
  }
  return undefined;
}

/** The btrfs subvolume an entry mounts (subvol=@home), relative to the top level. */
export function subvolumeOf(entry: FstabEntry): string | undefined {
  const option = entry.options.find((o) => o.startsWith('subvol='));
  const path = option?.slice('subvol='.length).replace(/^\/+/, '');
  return path ? path : undefined;
}
