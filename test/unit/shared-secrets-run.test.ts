// build-secrets and tls-keys run on small roots: where they look, what they skip (links, samples,
// package trees, .ssh, /etc/ssh), and that no value ever reaches a message.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Host } from '../../agent/host.js';
import { buildSecrets } from '../../checks/build-secrets.js';
import { tlsKeys } from '../../checks/tls-keys.js';

const SECRET = 'Zq8ValueThatMustNeverShow';
const KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function makeRoot(t: Test, files: Record<string, string>, links: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'shared-secrets-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const all = { 'etc/passwd': 'root:x:0:0:root:/root:/bin/bash\npostgres:x:110:110::/var/lib/postgresql:/bin/bash\napp:x:1000:1000::/home/app:/bin/bash\n', ...files };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const dir of ['root', 'home/app', 'var/lib/postgresql']) mkdirSync(join(root, dir), { recursive: true });
  for (const [path, target] of Object.entries(links)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    symlinkSync(target, join(root, path));
  }
  return root;
}

const summary = (findings: { path?: string; code: string; status: string }[]) => findings.map((f) => [f.path, f.code, f.status]).sort();
const leaks = (findings: { message: string }[]) => findings.filter((f) => f.message.includes(SECRET) || f.message.includes('MIG'));

t.test('build-secrets: homes anywhere, every tree, links and samples skipped', async (t) => {
  const root = makeRoot(
    t,
    {
      'var/lib/postgresql/.pgpass': `*:*:*:postgres:${SECRET}\n`,
      'home/app/.my.cnf': `[client]\npassword=${SECRET}\n`,
      'etc/mysql/debian.cnf': `[client]\nuser = debian-sys-maint\npassword = ${SECRET}\n`,
      'usr/local/app/config/.env': `SECRET_KEY_BASE=${SECRET}\n`,
      'srv/app/.env.example': `DB_PASSWORD=${SECRET}\n`,
      'srv/app/node_modules/dotenv/.env': `DB_PASSWORD=${SECRET}\n`,
      'var/www/app/vendor/vlucas/phpdotenv/tests/fixtures/env/.env': `DB_PASSWORD=${SECRET}\n`,
      'srv/app/.git/.env': `DB_PASSWORD=${SECRET}\n`,
      'elsewhere/.env': `DB_PASSWORD=${SECRET}\n`,
      'elsewhere/my.cnf': `[client]\npassword=${SECRET}\n`,
      'root/.digitalocean_password': '',
      'var/www/site/wp-config.php': `<?php\ndefine('DB_PASSWORD', '${SECRET}');\n`,
    },
    // Never followed: a link is not the application's file, and its target may be anywhere.
    { 'opt/app/.env': '/elsewhere/.env', 'root/.my.cnf': '/elsewhere/my.cnf' },
  );
  const result = await buildSecrets.run(new Host(root, 'root'));
  t.same(summary(result.findings), [
    ['/etc/mysql/debian.cnf', 'mysql-password', 'warn'],
    ['/home/app/.my.cnf', 'mysql-password', 'warn'],
    ['/usr/local/app/config/.env', 'env-file', 'warn'],
    ['/var/lib/postgresql/.pgpass', 'pgpass', 'warn'],
    ['/var/www/site/wp-config.php', 'wordpress-keys', 'warn'],
  ]);
  t.same(leaks(result.findings), [], 'no value in any message');
  t.match(result.summary, /^5 files with secrets made at build time$/);
});

t.test('build-secrets: the DigitalOcean password file fails, even as a link; a clean root passes', async (t) => {
  const asFile = await buildSecrets.run(new Host(makeRoot(t, { 'root/.digitalocean_password': `root_mysql_pass="${SECRET}"\n` }), 'root'));
  t.same(summary(asFile.findings), [['/root/.digitalocean_password', 'digitalocean-password', 'fail']]);
  t.match(asFile.findings[0].message, /1 password \(line 1\)/);
  const asLink = await buildSecrets.run(new Host(makeRoot(t, {}, { 'root/.digitalocean_password': '/dev/null' }), 'root'));
  t.same(summary(asLink.findings), [['/root/.digitalocean_password', 'digitalocean-password', 'fail']]);
  const clean = await buildSecrets.run(new Host(makeRoot(t, {}), 'root'));
  t.same(clean, { summary: 'no secret made at build time found', findings: [] });
});

t.test('tls-keys: by content anywhere in the trees, not in /etc/ssh, .ssh, package trees or through links', async (t) => {
  const root = makeRoot(
    t,
    {
      'etc/ssl/private/ssl-cert-snakeoil.key': KEY,
      'etc/ssl/private/other.key': KEY,
      'etc/ssh/ssh_host_ecdsa_key': KEY,
      'opt/app/.ssh/deploy': KEY,
      'opt/app/config/server.txt': KEY,
      'opt/app/venv/lib/python3.12/site-packages/pkg/tests/test.key': KEY,
      'srv/app/node_modules/pkg/test/key.pem': KEY,
      'var/www/app/vendor/phpseclib/phpseclib/tests/Unit/key.pem': KEY,
      'srv/keys/id_ecdsa': KEY,
      'srv/certs/public.pem': '-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n',
      'var/www/keys/site.key': KEY,
      'home/app/server.key': KEY,
      'usr/local/share/key.pem': KEY,
      'elsewhere/key.pem': KEY,
      'etc/letsencrypt/live/README': 'certbot\n',
      'etc/letsencrypt/renewal/example.com.conf': 'version = 2.1.0\n',
      'etc/letsencrypt/options-ssl-nginx.conf': 'ssl_session_cache shared:le_nginx_SSL:10m;\n',
      'etc/letsencrypt/keys/0000_key-certbot.pem': KEY,
    },
    // /srv/keys is app's .ssh (a link): ssh-private-keys reports what is there.
    { 'opt/app/linked.key': '/elsewhere/key.pem', 'home/app/.ssh': '/srv/keys' },
  );
  const result = await tlsKeys.run(new Host(root, 'root'));
  t.same(summary(result.findings), [
    ['/etc/letsencrypt/keys', 'letsencrypt', 'fail'],
    ['/etc/ssl/private/other.key', 'private-key', 'warn'],
    ['/etc/ssl/private/ssl-cert-snakeoil.key', 'snakeoil-key', 'warn'],
    ['/opt/app/config/server.txt', 'private-key', 'warn'],
    ['/var/www/keys/site.key', 'private-key', 'warn'],
  ]);
  t.same(leaks(result.findings), [], 'no key material in any message');
});

t.test('tls-keys: certbot installed but never run, and a FIFO named like a key, are nothing', async (t) => {
  const root = makeRoot(t, { 'etc/letsencrypt/live/README': 'certbot\n', 'etc/letsencrypt/cli.ini': 'max-log-backups = 0\n' });
  execFileSync('mkfifo', [join(root, 'etc/letsencrypt/server.key')]);
  const result = await tlsKeys.run(new Host(root, 'root'));
  t.same(result, { summary: 'no private TLS key found', findings: [] });
});
