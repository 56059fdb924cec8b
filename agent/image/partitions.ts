// The partitions of a disk view, from its partition table (GPT or MBR, read by util-linux's sfdisk,
// which also follows MBR extended partitions), and the file system in each (blkid's low-level
// probe at the partition's offset). No partition device nodes: machines without udev or loop
// partition scanning get none from `losetup -P`, so each partition is attached later by its
// offset and size.
import { mustTool, tryTool, lastLine, ImageError } from './system.js';

export interface Partition {
  /** 1-based number in the table, or 0 for a disk that holds a file system without a table. */
  number: number;
  offset: number;
  size: number;
  /** GPT partition GUID, or MBR disk id and number ("0a1b2c3d-02"), lower case. */
  partUuid?: string;
  /** GPT partition name. */
  partLabel?: string;
  /** blkid's TYPE: ext4, xfs, btrfs, swap, vfat, LVM2_member... (undefined when none found). */
  fsType?: string;
  fsUuid?: string;
  fsLabel?: string;
}

interface SfdiskJson {
  partitiontable?: {
    label?: string;
    id?: string;
    sectorsize?: number;
    partitions?: { node: string; start: number; size: number; type?: string; uuid?: string; name?: string }[];
  };
}

// MBR types that only point at more partitions (extended) or hold nothing to mount.
const CONTAINER_TYPES = new Set(['5', 'f', '85']);

function partitionNumber(node: string): number {
  return Number.parseInt(/(\d+)$/.exec(node)?.[1] ?? '0', 10);
}

function readTable(view: string, diskSize: number): Partition[] {
  const result = tryTool('sfdisk', ['--json', view]);
  // No table at all: the file system may start at byte 0 (mkfs on the whole image file).
  if (result.code !== 0) {
    if (/does not contain a recognized partition table/.test(result.stderr)) return [{ number: 0, offset: 0, size: diskSize }];
    throw new ImageError(`cannot read the partition table: ${lastLine(result)}`);
  }
  let table: SfdiskJson['partitiontable'];
  try {
    table = (JSON.parse(result.stdout) as SfdiskJson).partitiontable;
  } catch {
    throw new ImageError('cannot read the partition table: sfdisk printed no JSON');
  }
  const sector = table?.sectorsize ?? 512;
  const mbrId = table?.label === 'dos' ? table.id?.replace(/^0x/, '').toLowerCase() : undefined;
  return (table?.partitions ?? [])
    .filter((p) => !(table?.label === 'dos' && CONTAINER_TYPES.has((p.type ?? '').toLowerCase())))
    .map((p) => {
      const number = partitionNumber(p.node);
      return {
        number,
        offset: p.start * sector,
        size: p.size * sector,
        partUuid: p.uuid?.toLowerCase() ?? (mbrId ? `${mbrId}-${String(number).padStart(2, '0')}` : undefined),
        partLabel: p.name,
      };
    });
}

function probe(view: string, partition: Partition): Partition {
  // -p: read the superblock itself (no cache, no udev); exit 2 means nothing recognised.
  const result = tryTool('blkid', ['--probe', '--output', 'export', '--offset', String(partition.offset), '--size', String(partition.size), view]);
  if (result.code !== 0) return partition;
  const fields = new Map(
    result.stdout
      .split('\n')
      .map((line) => line.split('='))
      .filter((kv) => kv.length >= 2)
      .map(([key, ...value]) => [key, value.join('=')] as const),
  );
  return { ...partition, fsType: fields.get('TYPE'), fsUuid: fields.get('UUID')?.toLowerCase(), fsLabel: fields.get('LABEL') };
}

export function readPartitions(view: string, diskSize: number): Partition[] {
  mustTool('blkid', ['--version'], 'blkid does not run');
  return readTable(view, diskSize).map((partition) => probe(view, partition));
}

/** "partition 2" or "the disk" (a file system without a partition table). */
export function partitionName(partition: Partition): string {
  return partition.number === 0 ? 'the whole disk' : `partition ${partition.number}`;
}
