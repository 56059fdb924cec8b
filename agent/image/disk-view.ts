// The whole disk of an image file as one raw file in the work directory, without the nbd kernel
// module (often missing): a raw image is bind-mounted there (so loop devices on it name the work
// directory as their backing file, and a killed run's devices can be found); any other format is
// exported as raw by qemu-storage-daemon through FUSE.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_PID_FILE, DISK_VIEW } from './teardown.js';
import { ImageError, mustTool, requireTools } from './system.js';

/** The formats DigitalOcean imports custom images from, with qemu's driver name for each. */
export const FORMATS: Readonly<Record<string, { driver: string; canDiscard: boolean }>> = {
  raw: { driver: 'raw', canDiscard: true },
  qcow2: { driver: 'qcow2', canDiscard: true },
  // qemu's drivers for these ignore discards: trimming frees nothing in the file.
  vmdk: { driver: 'vmdk', canDiscard: false },
  vdi: { driver: 'vdi', canDiscard: false },
  vhdx: { driver: 'vhdx', canDiscard: false },
};

export interface DiskView {
  /** A raw view of the whole disk, on this machine. */
  path: string;
  format: string;
  virtualSize: number;
  /** Whether a discard through the view gives space back to the image file. */
  canDiscard: boolean;
}

interface QemuImgInfo {
  format?: string;
  'virtual-size'?: number;
  'backing-filename'?: string;
  'dirty-flag'?: boolean;
}

export function describeImage(file: string): { format: string; virtualSize: number } {
  // --force-share: reading the header of an image another process has open is harmless.
  const out = mustTool('qemu-img', ['info', '--force-share', '--output=json', file], 'cannot read the image');
  let info: QemuImgInfo;
  try {
    info = JSON.parse(out) as QemuImgInfo;
  } catch {
    throw new ImageError('cannot read the image: qemu-img info printed no JSON');
  }
  const format = info.format ?? 'unknown';
  if (!FORMATS[format]) throw new ImageError(`the image is ${format}: supported formats are ${Object.keys(FORMATS).join(', ')}`);
  // A backing file is a path on some other machine, or on this one: never followed.
  if (info['backing-filename']) throw new ImageError(`the ${format} image has a backing file: flatten it first (qemu-img convert -O ${format} IN OUT)`);
  if (typeof info['virtual-size'] !== 'number') throw new ImageError('cannot read the image: no virtual size');
  return { format, virtualSize: info['virtual-size'] };
}

function bindRaw(file: string, view: string, writable: boolean): void {
  writeFileSync(view, '', { mode: 0o600 });
  mustTool('mount', ['--bind', file, view], 'cannot attach the raw image');
  if (!writable) mustTool('mount', ['-o', 'remount,bind,ro', view], 'cannot attach the raw image read-only');
}

function exportWithQemu(file: string, view: string, driver: string, writable: boolean, dir: string): void {
  requireTools(['qemu-storage-daemon'], `attaching a ${driver} image`);
  writeFileSync(view, '', { mode: 0o600 });
  // discard=unmap on both nodes: a trim of the file system reaches the format (freeing its
  // clusters) and then the file (punching holes), so the image file gets smaller.
  const access = writable ? 'read-only=off,discard=unmap' : 'read-only=on';
  mustTool(
    'qemu-storage-daemon',
    [
      '--blockdev', `driver=file,node-name=file,filename=${file.replaceAll(',', ',,')},${access}`,
      '--blockdev', `driver=${driver},node-name=fmt,file=file,${access}`,
      '--export', `type=fuse,id=disk,node-name=fmt,mountpoint=${view},writable=${writable ? 'on' : 'off'}`,
      '--pidfile', join(dir, DAEMON_PID_FILE),
      '--daemonize',
    ],
    `cannot open the ${driver} image with qemu-storage-daemon`,
  );
}

/** Attaches the image's whole disk as a raw file in dir; torn down with the work directory. */
export function attachDiskView(file: string, dir: string, writable: boolean): DiskView {
  const { format, virtualSize } = describeImage(file);
  const view = join(dir, DISK_VIEW);
  const { driver, canDiscard } = FORMATS[format];
  if (format === 'raw') bindRaw(file, view, writable);
  else exportWithQemu(file, view, driver, writable, dir);
  return { path: view, format, virtualSize, canDiscard };
}
