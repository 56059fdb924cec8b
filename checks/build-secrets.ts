// Secrets made while the image was built (database passwords, application keys, WordPress salts)
// are the same on every Droplet made from it: whoever has one Droplet knows the others' secrets.
// DigitalOcean's 1-Click rules ask for them to be made per Droplet, at first boot. Values are never
// shown: findings name the file, the kind of secret, the lines and a count.
import { posix } from 'node:path';
import { filesOfTrees, listedBy, MAX_TREE_FILE, type TreesListing } from '../agent/facts/app-trees.js';
import { findInHomes } from '../agent/facts/homes.js';
import {
  describeLines,
  digitalOceanPasswords,
  envSecrets,
  isEnvFileName,
  mysqlPasswords,
  pgpassPasswords,
  wordpressSecrets,
  WORDPRESS_SALTS,
  type SecretLine,
} from '../agent/facts/secret-values.js';
import { couldNotCheck, problem } from '../agent/findings.js';
import type { Host } from '../agent/host.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { append } from '../agent/append.js';

// DigitalOcean's 1-Click images write their generated passwords here at first boot.
const DIGITALOCEAN_PASSWORD = '/root/.digitalocean_password';
const MYSQL_MAINTENANCE = '/etc/mysql/debian.cnf';
// Where applications and their configuration live; /home and /root for apps run from a home.
const TREES = ['/etc', '/opt', '/srv', '/var/www', '/usr/local', '/home', '/root'];

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Reads a regular file that is not a link (null when absent or not a regular file). */
async function readRegular(host: Host, path: string): Promise<string | null> {
  const stats = await host.lstat(path);
  if (!stats?.isFile()) return null;
  return host.readText(path, { maxBytes: MAX_TREE_FILE, follow: false });
}

async function inspectDigitalOceanPassword(host: Host): Promise<Finding | null> {
  const stats = await host.lstat(DIGITALOCEAN_PASSWORD);
  if (!stats) return null;
  if (!stats.isFile()) return problem('fail', 'digitalocean-password', `${DIGITALOCEAN_PASSWORD} exists (not a regular file, not followed)`, DIGITALOCEAN_PASSWORD);
  const text = await host.readText(DIGITALOCEAN_PASSWORD, { maxBytes: MAX_TREE_FILE, follow: false });
  if (!text?.trim()) return null;
  const lines = digitalOceanPasswords(text);
  // Any other layout still holds what a 1-Click made: say how much, not what.
  const what = lines.length > 0 ? `${count(lines.length, 'password')} (${describeLines(lines)})` : count(text.split('\n').filter((line) => line.trim()).length, 'line');
  return problem('fail', 'digitalocean-password', `DigitalOcean 1-Click password file with ${what}: made once, at build time, for every Droplet`, DIGITALOCEAN_PASSWORD);
}

const HOME_FILES = [
  { name: '.my.cnf', parse: mysqlPasswords, code: 'mysql-password', kind: 'MySQL client option file' },
  { name: '.pgpass', parse: pgpassPasswords, code: 'pgpass', kind: 'PostgreSQL password file' },
] as const;

/**
 * A home's .my.cnf and .pgpass. A home inside the walked trees is known from their listing (one
 * lstat less per file and home: 10,000 homes); one elsewhere (/var/lib/postgresql) is looked up.
 */
async function inspectHome(host: Host, listing: TreesListing, listed: ReadonlySet<string>, home: string, owner: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const known = listedBy(listing, home);
  for (const { name, parse, code, kind } of HOME_FILES) {
    const path = posix.join(home, name);
    try {
      if (known && !listed.has(path)) continue;
      const text = known ? await host.readText(path, { maxBytes: MAX_TREE_FILE, follow: false }) : await readRegular(host, path);
      const lines: SecretLine[] = text === null ? [] : parse(text);
      if (lines.length > 0) findings.push(problem('warn', code, `${kind} of ${owner} with ${count(lines.length, 'password')} (${describeLines(lines)})`, path));
    } catch (err) {
      findings.push(couldNotCheck(err, path));
    }
  }
  return findings;
}

async function inspectMaintenanceAccount(host: Host): Promise<Finding | null> {
  const text = await readRegular(host, MYSQL_MAINTENANCE);
  const lines = text === null ? [] : mysqlPasswords(text);
  // Debian's and Ubuntu's MySQL packages make this password at install: every Droplet shares it.
  return lines.length > 0 ? problem('warn', 'mysql-password', `MySQL maintenance account's option file with ${count(lines.length, 'password')} (${describeLines(lines)})`, MYSQL_MAINTENANCE) : null;
}

/** Whether a file's name is one build-secrets reads (the walk lists every file of the trees). */
function isApplicationFile(path: string): boolean {
  const name = posix.basename(path);
  return name === 'wp-config.php' || isEnvFileName(name);
}

async function inspectApplicationFile(host: Host, path: string): Promise<Finding | null> {
  const text = (await host.readText(path, { maxBytes: MAX_TREE_FILE, follow: false })) ?? '';
  if (posix.basename(path) === 'wp-config.php') {
    const { salts, databasePassword } = wordpressSecrets(text);
    if (salts.length === 0 && databasePassword.length === 0) return null;
    const parts = [
      salts.length > 0 ? `${salts.length} of ${WORDPRESS_SALTS.size} authentication keys and salts (${describeLines(salts)})` : '',
      databasePassword.length > 0 ? `the database password (${describeLines(databasePassword)})` : '',
    ].filter(Boolean);
    return problem('warn', 'wordpress-keys', `WordPress configuration with ${parts.join(' and ')} set at build time`, path);
  }
  const lines = envSecrets(text);
  return lines.length > 0 ? problem('warn', 'env-file', `application environment file with ${count(lines.length, 'secret value')} (${describeLines(lines)})`, path) : null;
}

export const buildSecrets = defineCheck({
  id: 'build-secrets',
  title: 'No secrets made at build time',
  description: `${DIGITALOCEAN_PASSWORD} fails; application .env files, MySQL option files, .pgpass and wp-config.php with real secrets warn.`,
  explain: {
    looksAt: `${DIGITALOCEAN_PASSWORD}; .my.cnf and .pgpass in the home of every account and ${MYSQL_MAINTENANCE}; .env files (.env, .env.*, *.env, but not samples such as .env.example) and wp-config.php under ${TREES.join(', ')}. In .env files only variables named like secrets count (PASSWORD, PASSWD, SECRET, TOKEN, KEY, SALT), not those about a secret (KEY_FILE, TOKEN_TTL, ..._ID) nor public ones (..._PUBLIC_KEY, ..._PUBLISHABLE_KEY), and never a file path.`,
    why: `A password, key or salt made while the image was built is the same on every Droplet made from it: one Droplet's owner knows everybody's database password or can forge everybody's sessions. DigitalOcean's 1-Click images write ${DIGITALOCEAN_PASSWORD} at first boot; in an image it means the passwords were made once for all.`,
    manualFix: `Generate these secrets on each Droplet at first boot, in a script in /var/lib/cloud/scripts/per-instance (write the .env, set the database password, fetch new WordPress salts), and leave only placeholders in the image.`,
    limits: `Values are never shown: only lines and counts. Empty values and placeholders (changeme, \${VAR}, <password>, 'put your unique phrase here', AWS's documented examples) are not findings. A file to read over ${MAX_TREE_FILE / 1024 / 1024} MiB is reported as not read (error). Symbolic links, .ssh and .git directories and package trees (node_modules, site-packages, dist-packages, vendor) are not looked at. Secrets in other formats (YAML, JSON, PHP arrays) are not found.`,
  },
  remedy: 'generate these secrets on each Droplet in a /var/lib/cloud/scripts/per-instance script, and ship only placeholders',
  severity: 'fail',
  codes: {
    // The application needs them: removing or blanking them would break it. The vendor moves their
    // making to first boot.
    'digitalocean-password': null,
    'env-file': null,
    'mysql-password': null,
    pgpass: null,
    'wordpress-keys': null,
  },
  async run(host) {
    const findings: Finding[] = [];
    try {
      const finding = await inspectDigitalOceanPassword(host);
      if (finding) findings.push(finding);
    } catch (err) {
      findings.push(couldNotCheck(err, DIGITALOCEAN_PASSWORD));
    }
    try {
      const finding = await inspectMaintenanceAccount(host);
      if (finding) findings.push(finding);
    } catch (err) {
      findings.push(couldNotCheck(err, MYSQL_MAINTENANCE));
    }
    const listing = await filesOfTrees(host, TREES);
    const listed = new Set(listing.files.filter((path) => HOME_FILES.some(({ name }) => path.endsWith(`/${name}`))));
    append(findings, await findInHomes(host, (home, owner) => inspectHome(host, listing, listed, home.path, owner)));
    for (const file of listing.files) {
      if (!isApplicationFile(file)) continue;
      try {
        const finding = await inspectApplicationFile(host, file);
        if (finding) findings.push(finding);
      } catch (err) {
        findings.push(couldNotCheck(err, file));
      }
    }
    const problems = findings.filter((f) => f.status !== 'error').length;
    return { summary: problems === 0 ? 'no secret made at build time found' : `${count(problems, 'file')} with secrets made at build time`, findings };
  },
});
