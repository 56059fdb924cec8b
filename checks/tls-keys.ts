// A TLS private key in an image is the same on every Droplet made from it: whoever has one Droplet
// can impersonate the others or read their traffic. Keys are recognised by content and never shown;
// public certificates are not findings.
import { posix } from 'node:path';
import { filesOfTrees, isUnder } from '../agent/facts/app-trees.js';
import { homeDirectories } from '../agent/facts/homes.js';
import { findPrivateKeyBlocks, type PrivateKeyBlock } from '../agent/facts/private-key-blocks.js';
import { couldNotCheck, problem } from '../agent/findings.js';
import { isWalkError, type Host } from '../agent/host.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { append } from '../agent/append.js';

// Debian's ssl-cert package makes this pair when it is installed (and so at build time).
const SNAKEOIL_KEY = '/etc/ssl/private/ssl-cert-snakeoil.key';
const LETSENCRYPT = '/etc/letsencrypt';
// What certbot keeps of the certificates it was issued and of its ACME account (keys/: older
// certbot's copies of the certificate keys).
const LETSENCRYPT_STATE = ['live', 'archive', 'accounts', 'keys'].map((dir) => `${LETSENCRYPT}/${dir}`);
const KEY_TREES = ['/etc', '/opt', '/srv', '/var/www'];
// A key file is a few KiB; a bundle with its chain a few dozen.
const HEAD_BYTES = 64 * 1024;
// Host keys are ssh-host-keys' (cloud-init regenerates them); keys in a .ssh are ssh-private-keys'.
const NOT_HERE = ['/etc/ssh', ...LETSENCRYPT_STATE];

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function describeBlocks(blocks: readonly PrivateKeyBlock[]): string {
  const first = blocks[0];
  const what = `${first.kind} private key${first.encrypted ? ' (passphrase-protected)' : ''}`;
  return blocks.length === 1 ? `${what} at line ${first.line}` : `${count(blocks.length, 'private key')}, the first a ${what} at line ${first.line}`;
}

async function inspectSnakeoil(host: Host): Promise<Finding | null> {
  const stats = await host.lstat(SNAKEOIL_KEY);
  if (!stats || (stats.isFile() && stats.size === 0)) return null;
  return problem('warn', 'snakeoil-key', "ssl-cert's self-signed (snakeoil) key, made when the package was installed: every Droplet would share it", SNAKEOIL_KEY);
}

/** One finding per certificate lineage or ACME account under live/, archive/, accounts/ and keys/. */
async function inspectLetsEncrypt(host: Host): Promise<Finding[]> {
  const groups = new Map<string, { files: number; keys: number }>();
  const findings: Finding[] = [];
  for (const dir of LETSENCRYPT_STATE) {
    for await (const entry of host.walk(dir)) {
      if (isWalkError(entry)) {
        findings.push(couldNotCheck(`${entry.path}: ${entry.error}`, entry.path));
        continue;
      }
      if (entry.stats.isDirectory()) continue;
      const relative = entry.path.slice(dir.length + 1).split('/');
      // certbot writes a README into live/ that describes the directory: it is no certificate.
      if (relative.length === 1 && relative[0] === 'README') continue;
      const group = relative.length > 1 ? `${dir}/${relative[0]}` : dir;
      const known = groups.get(group) ?? { files: 0, keys: 0 };
      known.files++;
      // privkeyN.pem (live/ links to archive/), private_key.json (an account's JWK), keys/NNNN_key-certbot.pem.
      if (/^privkey\d*\.pem$|^private_key\.json$|_key-certbot\.pem$/.test(posix.basename(entry.path))) known.keys++;
      groups.set(group, known);
    }
  }
  for (const [group, { files, keys }] of groups) {
    const what = group.startsWith(`${LETSENCRYPT}/accounts`) ? "Let's Encrypt account of the build machine" : "Let's Encrypt certificate issued to the build machine";
    findings.push(problem('fail', 'letsencrypt', `${what}: ${count(files, 'file')}, ${count(keys, 'private key')}`, group));
  }
  return findings;
}

async function inspectKeyFile(host: Host, path: string): Promise<Finding | null> {
  // Only the head: a key file is a few KiB, a bundle with its chain a few dozen.
  const head = await host.readBytes(path, { maxBytes: HEAD_BYTES, head: true, follow: false });
  // Most files hold no armour at all: looked for in the bytes, before decoding them.
  if (head === null || head.indexOf('PRIVATE KEY-----') < 0) return null;
  const blocks = findPrivateKeyBlocks(head.toString('utf8'));
  return blocks.length > 0 ? problem('warn', 'private-key', describeBlocks(blocks), path) : null;
}

/** Where a home's .ssh that is a link leads: ssh-private-keys looks there, as a .ssh directory. */
async function linkedSshDirectories(host: Host, findings: Finding[]): Promise<string[]> {
  const targets: string[] = [];
  for (const home of await homeDirectories(host)) {
    const sshDir = posix.join(home.path, '.ssh');
    try {
      if ((await host.lstat(sshDir))?.isSymbolicLink()) targets.push(host.canonical(sshDir));
    } catch (err) {
      findings.push(couldNotCheck(err, sshDir));
    }
  }
  return targets;
}

export const tlsKeys = defineCheck({
  id: 'tls-keys',
  title: 'No shared TLS private keys',
  description: "Let's Encrypt certificates and accounts of the build machine fail; the snakeoil key and other private keys under /etc, /opt, /srv and /var/www warn.",
  explain: {
    looksAt: `${LETSENCRYPT_STATE.join(', ')} (certbot's certificates, keys and ACME accounts), ${SNAKEOIL_KEY}, and the first ${HEAD_BYTES / 1024} KiB of every regular file under ${KEY_TREES.join(', ')}, for private key blocks (PEM, PKCS#8, OpenSSH) recognised by their shape.`,
    why: "A private key in the image is the same on every Droplet made from it: whoever has one Droplet has the key of all, and can impersonate them or read their traffic. A Let's Encrypt certificate in the image was issued to the build machine for its name; certbot on every Droplet would renew it with the same account.",
    manualFix: `Make keys on each Droplet at first boot, in a /var/lib/cloud/scripts/per-instance script: for the snakeoil pair \`make-ssl-cert generate-default-snakeoil --force-overwrite\`; for Let's Encrypt, delete ${LETSENCRYPT}/{live,archive,accounts,renewal} from the image and run certbot at first boot for the Droplet's own domain.`,
    limits: `Public certificates are not findings. SSH host keys (/etc/ssh) belong to ssh-host-keys and keys in any .ssh directory (or where a home's .ssh link leads) to ssh-private-keys. Symbolic links, a key past a file's first ${HEAD_BYTES / 1024} KiB, .git directories and package trees (node_modules, site-packages, dist-packages, vendor: their keys are the packages' published test keys) are not looked at; nor are keys in binary stores (PKCS#12, Java keystores).`,
  },
  remedy: 'make the keys on each Droplet at first boot (make-ssl-cert generate-default-snakeoil --force-overwrite; certbot for the Droplet\'s own domain) and remove them from the image',
  severity: 'fail',
  // The keys are the application's (a web server will not start without its key): reported, never removed.
  codes: { 'snakeoil-key': null, letsencrypt: null, 'private-key': null },
  async run(host) {
    const findings: Finding[] = [];
    try {
      const snakeoil = await inspectSnakeoil(host);
      if (snakeoil) findings.push(snakeoil);
    } catch (err) {
      findings.push(couldNotCheck(err, SNAKEOIL_KEY));
    }
    append(findings, await inspectLetsEncrypt(host));
    const keys: Finding[] = [];
    for (const file of (await filesOfTrees(host, KEY_TREES)).files) {
      if (file === SNAKEOIL_KEY || NOT_HERE.some((dir) => isUnder(file, dir))) continue;
      try {
        const finding = await inspectKeyFile(host, file);
        if (finding) keys.push(finding);
      } catch (err) {
        findings.push(couldNotCheck(err, file));
      }
    }
    // Looked up only when there are keys (most images have none): 10,000 homes cost an lstat each.
    const sshDirs = keys.length > 0 ? await linkedSshDirectories(host, findings) : [];
    append(findings, keys.filter((key) => !sshDirs.some((dir) => isUnder(key.path ?? '', dir))));
    const problems = findings.filter((f) => f.status !== 'error').length;
    return { summary: problems === 0 ? 'no private TLS key found' : `${count(problems, 'private key or certificate', 'private keys or certificates')} every Droplet would share`, findings };
  },
});
