// Swap enabled by the image ships in every Droplet's disk: each plan pays for the space, and the
// size was chosen for the build machine, not for the Droplet's memory. DigitalOcean's 1-Click
// images make swap (if they want it) in the first-boot script, sized for the Droplet.
import { posix } from 'node:path';
import { couldNotCheck, humanSize, problem } from '../agent/findings.js';
import type { Host } from '../agent/host.js';
import { enabledUnits } from '../agent/facts/systemd-units.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';

const FSTAB = '/etc/fstab';
const UNIT_DIRS = ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

export interface SwapEntry {
  /** What is swapped on: a file path, a device, UUID=... or LABEL=... */
  what: string;
  line: number;
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/**
 * The swap entries of an fstab that are enabled at boot: not commented out and without `noauto`
 * (swapon -a skips those, and systemd's fstab generator does not pull them into swap.target).
 */
export function parseFstabSwaps(text: string): SwapEntry[] {
  const entries: SwapEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [spec, , type, options = 'defaults'] = line.split(/\s+/);
    if (!spec || type !== 'swap') return;
    if (options.split(',').includes('noauto')) return;
    entries.push({ what: unescape(spec), line: index + 1 });
  });
  return entries;
}

/** What= of a .swap unit's [Swap] section (the last one wins, as in systemd), or null. */
export function swapUnitWhat(text: string): string | null {
  let section = '';
  let what: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) section = line;
    else if (section === '[Swap]') {
      const m = /^What\s*=\s*(.*)$/.exec(line);
      if (m) what = m[1].trim() || null;
    }
  }
  return what;
}

/** A swap target that is a file in the image (not a device, UUID= or LABEL=). */
const isFileTarget = (what: string) => what.startsWith('/') && !what.startsWith('/dev/');

async function describe(host: Host, what: string, source: string, found: Finding[]): Promise<void> {
  if (!isFileTarget(what)) {
    found.push(problem('warn', 'swap-partition', `swap on ${what} enabled by ${source}`, source.split(' ')[0]));
    return;
  }
  try {
    const stats = await host.lstat(what);
    const size = stats?.isFile() ? `, ${humanSize(stats.size)}` : stats ? ' (not a regular file)' : ' (missing from the image)';
    found.push(problem('warn', 'swap-file', `swap file enabled by ${source}${size}`, what));
  } catch (err) {
    found.push(couldNotCheck(err, what));
  }
}

async function fstabSwaps(host: Host, found: Finding[], seen: Set<string>): Promise<void> {
  let text: string | null;
  try {
    text = await host.readText(FSTAB, { maxBytes: 1024 * 1024 });
  } catch (err) {
    found.push(couldNotCheck(err, FSTAB));
    return;
  }
  for (const entry of parseFstabSwaps(text ?? '')) {
    if (seen.has(entry.what)) continue;
    seen.add(entry.what);
    await describe(host, entry.what, `${FSTAB} line ${entry.line}`, found);
  }
}

async function unitSwaps(host: Host, found: Finding[], seen: Set<string>): Promise<void> {
  const units = await enabledUnits(host);
  for (const unit of [...units.links.keys()].filter((name) => name.endsWith('.swap')).sort()) {
    let unitFile: string | undefined;
    let text: string | null = null;
    for (const dir of UNIT_DIRS) {
      const path = posix.join(dir, unit);
      try {
        text = await host.readText(path, { maxBytes: 1024 * 1024 });
      } catch (err) {
        found.push(couldNotCheck(err, path));
        break;
      }
      if (text !== null) {
        unitFile = path;
        break;
      }
    }
    // A wants link left by a unit whose file is gone enables nothing.
    if (!unitFile || text === null) continue;
    const what = swapUnitWhat(text);
    if (what === null || seen.has(what)) continue;
    seen.add(what);
    await describe(host, what, `${unitFile} (enabled)`, found);
  }
}

export const swap = defineCheck({
  id: 'swap',
  title: 'No swap baked into the image',
  description: 'A swap file or partition enabled in /etc/fstab or by an enabled systemd .swap unit warns.',
  explain: {
    looksAt: `${FSTAB} (swap entries not commented out and without noauto) and the .swap units enabled in the systemd unit directories (their What=); for a swap file, its size in the image.`,
    why: 'A swap file in the image is copied into every Droplet\'s disk and every plan pays for the space, sized for the build machine rather than for the Droplet; DigitalOcean does not set up swap on Droplets, and 1-Click images that want it create it at first boot.',
    manualFix: 'swapoff the file, remove its /etc/fstab line (or disable the .swap unit) and delete the file; if the product needs swap, create it in a /var/lib/cloud/scripts/per-instance script sized for the Droplet.',
    limits: 'An fstab entry with noauto is not enabled and is not reported; a swap file that nothing enables is not looked for. Cleanup does not remove swap: the vendor decides whether the product needs it.',
  },
  remedy: 'remove the swap file and its fstab line or unit; let the first-boot script create swap if the product wants it',
  severity: 'warn',
  codes: {
    'swap-file': null,
    'swap-partition': null,
  },
  async run(host) {
    const findings: Finding[] = [];
    const seen = new Set<string>();
    await fstabSwaps(host, findings, seen);
    await unitSwaps(host, findings, seen);
    const count = findings.filter((f) => f.status === 'warn').length;
    return { summary: count === 0 ? 'no swap enabled' : `${count} swap area${count === 1 ? '' : 's'} enabled`, findings };
  },
});
