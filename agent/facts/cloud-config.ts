// The parts of cloud-init's configuration (/etc/cloud/cloud.cfg and cloud.cfg.d/*.cfg, merged in
// lexical order, later files winning) that decide what happens at a Droplet's first boot. Only the
// top-level keys the checks need are read; this is not a YAML parser.
import { posix } from 'node:path';
import type { Host } from '../host.js';

export interface CloudConfig {
  files: string[];
  /** ssh_deletekeys; cloud-init's default is true. */
  sshDeletekeys: boolean;
  /** Modules of the cloud_init_modules stage (the ssh module regenerates host keys). */
  initModules: string[];
  errors: string[];
}

const TRUE = new Set(['true', 'yes', 'on', '1']);

function parseBoolean(text: string): boolean | undefined {
  const value = text.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (TRUE.has(value)) return true;
  if (['false', 'no', 'off', '0'].includes(value)) return false;
  return undefined;
}

/** Items of a top-level block list ("key:\n  - a\n  - [b, always]"), or undefined when the key is absent. */
export function blockList(text: string, key: string): string[] | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^${key}\\s*:\\s*$`).test(line));
  if (start < 0) return undefined;
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const item = /^\s*-\s*\[?\s*["']?([\w-]+)/.exec(line);
    if (item) items.push(item[1]);
  }
  return items;
}

export function readCloudConfig(host: Host): Promise<CloudConfig> {
  return host.memo('cloud-config', async () => {
    const config: CloudConfig = { files: [], sshDeletekeys: true, initModules: [], errors: [] };
    const dropIns = ((await host.list('/etc/cloud/cloud.cfg.d').catch(() => null)) ?? []).filter((n) => n.endsWith('.cfg'));
    for (const file of ['/etc/cloud/cloud.cfg', ...dropIns.map((n) => posix.join('/etc/cloud/cloud.cfg.d', n))]) {
      let text: string | null;
      try {
        text = await host.readText(file, { maxBytes: 1024 * 1024 });
      } catch (err) {
        config.errors.push((err as Error).message);
        continue;
      }
      if (text === null) continue;
      config.files.push(file);
      const deletekeys = /^ssh_deletekeys\s*:\s*(.+)$/m.exec(text);
      const parsed = deletekeys ? parseBoolean(deletekeys[1]) : undefined;
      if (parsed !== undefined) config.sshDeletekeys = parsed;
      config.initModules = blockList(text, 'cloud_init_modules') ?? config.initModules;
    }
    return config;
  });
}
