// Host keys in an image are shared by every Droplet made from it: one compromised Droplet lets an
// attacker impersonate all the others. cloud-init can regenerate them at first boot; removing them
// without that leaves a Droplet whose sshd cannot start.
import { posix } from 'node:path';
import { readCloudConfig } from '../agent/facts/cloud-config.js';
import { describePublicBlob } from '../agent/facts/ssh-keys.js';
import { couldNotCheck, problem } from '../agent/findings.js';
import type { Host } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { lookupPackage } from '../distros/package-adapter.js';

const SSH_DIR = '/etc/ssh';
const HOST_KEY = /^ssh_host_(\w+)_key$/;

/** Whether cloud-init will make new host keys at a Droplet's first boot, and why (not). */
async function hostKeysRegenerated(host: Host): Promise<{ regenerated: boolean; reason: string }> {
  const cloudInit = await lookupPackage(host, 'cloud-init');
  if (!cloudInit.known || !cloudInit.installed) return { regenerated: false, reason: 'cloud-init is not installed' };
  const config = await readCloudConfig(host);
  if (!config.initModules.includes('ssh')) return { regenerated: false, reason: "cloud-init's ssh module is not in cloud_init_modules" };
  if (!config.sshDeletekeys) return { regenerated: false, reason: 'cloud-init is set to keep them (ssh_deletekeys: false)' };
  return { regenerated: true, reason: "cloud-init's ssh module deletes and regenerates them at first boot (ssh_deletekeys)" };
}

/** The fingerprint only names the key in the message: an unreadable .pub just leaves it out. */
async function fingerprintOf(host: Host, publicKeyPath: string): Promise<string> {
  let text: string | null;
  try {
    text = await host.readText(publicKeyPath, { maxBytes: 64 * 1024 });
  } catch {
    return '';
  }
  const encoded = text?.trim().split(/\s+/)[1];
  const key = encoded ? describePublicBlob(Buffer.from(encoded, 'base64')) : null;
  return key?.fingerprint ? ` (${key.fingerprint})` : '';
}

export const sshHostKeys = defineCheck({
  id: 'ssh-host-keys',
  title: 'No SSH host keys',
  description: 'No /etc/ssh/ssh_host_*_key in the image; says whether cloud-init regenerates them at first boot.',
  explain: {
    looksAt: `${SSH_DIR}/ssh_host_*_key, the cloud-init package, and cloud_init_modules and ssh_deletekeys in /etc/cloud/cloud.cfg and cloud.cfg.d/*.cfg.`,
    why: 'Every Droplet made from an image with host keys presents the same keys: whoever gets the private key from one Droplet (or from the image) can impersonate all of them, and users get no warning.',
    manualFix: 'rm -f /etc/ssh/ssh_host_*_key* as the last step before the snapshot, but only when cloud-init regenerates them (its ssh module runs with ssh_deletekeys true); otherwise sshd will not start on the Droplet.',
    limits: 'cloud-init configuration is read for the two settings above only (not a full YAML merge).',
  },
  remedy: 'remove /etc/ssh/ssh_host_*_key* last thing before the snapshot (when cloud-init regenerates them)',
  severity: 'warn',
  codes: {
    'host-key': (f) => [fixes.removeFile(at(f)), fixes.removeFile(`${at(f)}.pub`)],
    // Without regeneration the Droplet's sshd would have no key at all: left for the vendor.
    'host-key-kept': null,
  },
  async run(host) {
    const names = (await host.list(SSH_DIR)) ?? [];
    const keys = names.filter((name) => HOST_KEY.test(name));
    const findings: Finding[] = [];
    const { regenerated, reason } = await hostKeysRegenerated(host);
    for (const name of keys) {
      const path = posix.join(SSH_DIR, name);
      try {
        const stats = await host.lstat(path);
        if (!stats?.isFile()) continue;
        const type = (HOST_KEY.exec(name)?.[1] ?? '').toUpperCase();
        const message = `${type} host key${await fingerprintOf(host, `${path}.pub`)} would be shared by every Droplet`;
        findings.push(regenerated ? problem('warn', 'host-key', message, path) : problem('warn', 'host-key-kept', `${message} (${reason}, so it is not removed)`, path));
      } catch (err) {
        findings.push(couldNotCheck(err, path));
      }
    }
    if (findings.length === 0) return { summary: `no host keys; ${regenerated ? reason : `but ${reason}: sshd may not start on a Droplet`}`, findings };
    return { summary: `${findings.length} host key${findings.length === 1 ? '' : 's'}; ${regenerated ? reason : `${reason}, so remove them only after enabling that`}`, findings };
  },
});
