// The parts of cloud-init's configuration (/etc/cloud/cloud.cfg and cloud.cfg.d/*.cfg, merged in
// lexical order, later files winning) that decide what happens at a Droplet's first boot. Parsed
// as YAML 1.1, as cloud-init's PyYAML does (so `yes` and `off` are booleans), with js-yaml: the
// `yaml` package took 55 ms for a 466-byte cloud.cfg, 3 s for 1 MiB of blank lines and ran out of
// memory on 5,000 nested brackets, where js-yaml takes ~1 ms and stops at a nesting depth of 100.
// A file that cannot be read or parsed is recorded as unread: its setting could change what the
// checks conclude.
import { posix } from 'node:path';
import { load, YAML11_SCHEMA } from 'js-yaml';
import type { Host } from '../host.js';

export interface CloudConfig {
  files: string[];
  /** ssh_deletekeys; cloud-init's default is true. */
  sshDeletekeys: boolean;
  /** Modules of the cloud_init_modules stage (the ssh module regenerates host keys). */
  initModules: string[];
}

const MAIN = '/etc/cloud/cloud.cfg';
const DROP_INS = '/etc/cloud/cloud.cfg.d';
const MAX_BYTES = 1024 * 1024;

/** A module entry is a name, or [name, frequency]. */
function moduleNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((entry) => (Array.isArray(entry) ? entry[0] : entry)).filter((name): name is string => typeof name === 'string');
}

/** The top-level mapping of one file, or a reason why there is none. */
export function parseCloudConfig(text: string): Record<string, unknown> | string {
  // An empty file (or one of comments only) is an empty configuration.
  if (!/^[ \t]*[^\s#]/m.test(text)) return {};
  let document: unknown;
  try {
    // json: a repeated key takes the last value, as PyYAML does (js-yaml would throw).
    document = load(text, { schema: YAML11_SCHEMA, json: true });
  } catch {
    // The parser's message quotes the offending line, which may hold a secret: not repeated.
    return 'not valid YAML';
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) return 'not a YAML mapping';
  return document as Record<string, unknown>;
}

export function readCloudConfig(host: Host): Promise<CloudConfig> {
  return host.fact('cloud-config', async (unread) => {
    const config: CloudConfig = { files: [], sshDeletekeys: true, initModules: [] };
    let dropIns: string[] = [];
    try {
      dropIns = ((await host.list(DROP_INS)) ?? []).filter((name) => name.endsWith('.cfg')).map((name) => posix.join(DROP_INS, name));
    } catch (err) {
      unread(DROP_INS, err);
    }
    for (const file of [MAIN, ...dropIns]) {
      let text: string | null;
      try {
        text = await host.readText(file, { maxBytes: MAX_BYTES });
      } catch (err) {
        unread(file, err);
        continue;
      }
      if (text === null) continue;
      const settings = parseCloudConfig(text);
      if (typeof settings === 'string') {
        unread(file, settings);
        continue;
      }
      config.files.push(file);
      if (typeof settings.ssh_deletekeys === 'boolean') config.sshDeletekeys = settings.ssh_deletekeys;
      config.initModules = moduleNames(settings.cloud_init_modules) ?? config.initModules;
    }
    return config;
  });
}
