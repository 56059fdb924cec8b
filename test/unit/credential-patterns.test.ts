// credentials: the token formats, the stores' parsers and the placeholders, as case tables; then the
// scanner on a small tree (links, binaries, size and budget limits, pruned trees, who owns keys).
import t from 'tap';
import { randomBytes, randomInt } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Host } from '../../agent/host.js';
import { findTokens, isPlaceholder } from '../../agent/facts/credential-patterns.js';
import { holdsOnlyCredentials, storeAt } from '../../agent/facts/credential-stores.js';
import { scanForCredentials, SCAN_LIMITS } from '../../agent/facts/credential-scan.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const base62 = (length: number) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((b) => chars[b % chars.length]).join('');
};
// 40 characters with both cases and a digit, as AWS secret keys are.
const awsSecret = () => `Ab1/${base62(36)}`;
const awsKeyId = () => `AKIA${[...randomBytes(16)].map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('')}`;
const pemBody = () => randomBytes(48).toString('base64');

t.test('token formats', async (t) => {
  const cases: { name: string; text: string; kinds: string[]; line?: number }[] = [
    { name: 'DigitalOcean personal token', text: `export DIGITALOCEAN_TOKEN=dop_v1_${hex(32)}\n`, kinds: ['DigitalOcean API token'], line: 1 },
    { name: 'DigitalOcean OAuth and refresh tokens', text: `a\nb = "doo_v1_${hex(32)}"\nc: dor_v1_${hex(32)}\n`, kinds: ['DigitalOcean API token', 'DigitalOcean API token'], line: 2 },
    { name: 'dop_v1_ too short', text: `dop_v1_${hex(16)}\n`, kinds: [] },
    { name: 'dop_v1_ made up', text: `dop_v1_${'0'.repeat(64)}\ndop_v1_${'0123456789abcdef'.repeat(4)}\n`, kinds: [] },
    { name: 'AWS key id with its secret', text: `id=${awsKeyId()}\nsecret=${awsSecret()}\n`, kinds: ['AWS access key'], line: 1 },
    { name: 'AWS key id alone', text: `id=${awsKeyId()}\n`, kinds: [] },
    { name: 'AWS key id beside a git SHA-1', text: `id=${awsKeyId()}\ncommit ${hex(20)}\n`, kinds: [] },
    { name: "AWS's documented example pair", text: 'AKIAIOSFODNN7EXAMPLE\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n', kinds: [] },
    { name: 'GitHub classic and fine-grained tokens', text: `ghp_${base62(36)}\ngho_${base62(36)}\nghs_${base62(36)}\ngithub_pat_${base62(22)}_${base62(59)}\n`, kinds: ['GitHub token', 'GitHub token', 'GitHub token', 'GitHub token'] },
    { name: 'GitHub placeholder', text: `ghp_${'x'.repeat(36)}\nghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n`, kinds: [] },
    { name: 'GitLab token', text: `token: glpat-${base62(20)}\n`, kinds: ['GitLab token'] },
    { name: 'Slack bot token', text: `SLACK=xoxb-${randomInt(1e11, 1e12)}-${base62(24)}\n`, kinds: ['Slack token'] },
    { name: 'Slack placeholder', text: 'SLACK=xoxb-your-token-here\n', kinds: [] },
    { name: 'Stripe live key', text: `STRIPE=sk_live_${base62(24)}\n`, kinds: ['Stripe live secret key'] },
    { name: 'Stripe test key', text: `STRIPE=sk_test_${base62(24)}\n`, kinds: [] },
    { name: 'PEM private key', text: `#!/bin/sh\ncat <<EOF\n-----BEGIN RSA PRIVATE KEY-----\n${pemBody()}\n-----END RSA PRIVATE KEY-----\nEOF\n`, kinds: ['private key'], line: 3 },
    { name: 'PEM key without a body (docs)', text: '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n', kinds: [] },
    { name: 'certificate', text: `-----BEGIN CERTIFICATE-----\n${pemBody()}\n-----END CERTIFICATE-----\n`, kinds: [] },
    { name: 'service-account JSON', text: `{\n  "type": "service_account",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n${pemBody()}\\n-----END PRIVATE KEY-----\\n"\n}\n`, kinds: ['Google service-account key'], line: 3 },
    { name: 'nothing', text: 'just a config\nport = 8080\n', kinds: [] },
  ];
  for (const c of cases) {
    const hits = findTokens(c.text, true);
    t.same(hits.map((h) => h.kind), c.kinds, c.name);
    if (c.line !== undefined) t.equal(hits[0]?.line, c.line, `${c.name}: line`);
  }
  t.same(findTokens(`-----BEGIN OPENSSH PRIVATE KEY-----\n${pemBody()}\n`, false), [], 'keys left to another check when asked');
});

t.test('stores', async (t) => {
  const cases: { path: string; text: string; secrets: number; only?: boolean; kind?: string }[] = [
    { path: '/root/.config/doctl/config.yaml', text: `access-token: dop_v1_${hex(32)}\noutput: text\n`, secrets: 1, only: true },
    { path: '/root/.config/doctl/config.yaml', text: `access-token: ""\nauth-contexts:\n  work: dop_v1_${hex(32)}\ncontext: work\n`, secrets: 1, only: true },
    { path: '/root/.config/doctl/config.yaml', text: 'access-token: ""\noutput: text\n', secrets: 0 },
    { path: '/home/a/.aws/credentials', text: `[default]\naws_access_key_id = ${awsKeyId()}\naws_secret_access_key = ${awsSecret()}\n`, secrets: 1, only: true },
    { path: '/home/a/.aws/credentials', text: '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n', secrets: 0 },
    { path: '/home/a/.aws/config', text: `[default]\nregion = us-east-1\naws_secret_access_key = ${awsSecret()}\n`, secrets: 1, only: false },
    { path: '/home/a/.aws/config', text: '[default]\nregion = us-east-1\n', secrets: 0 },
    { path: '/home/a/.docker/config.json', text: `{\n  "auths": {\n    "registry.example.com": {\n      "auth": "${randomBytes(18).toString('base64')}"\n    }\n  }\n}\n`, secrets: 1, only: true },
    { path: '/home/a/.docker/config.json', text: '{"auths":{"https://index.docker.io/v1/":{}},"credsStore":"desktop"}', secrets: 0 },
    { path: '/home/a/.docker/config.json', text: `{"auths":{"r":{"auth":"${randomBytes(18).toString('base64')}"}},"proxies":{"default":{"httpProxy":"http://p:3128"}}}`, secrets: 1, only: false },
    { path: '/root/.git-credentials', text: `https://deploy:${base62(20)}@gitlab.example.com\n`, secrets: 1, only: true },
    { path: '/root/.git-credentials', text: 'https://user:<password>@github.com\n', secrets: 0 },
    { path: '/root/.netrc', text: `machine api.example.com\n  login bot\n  password ${base62(16)}\n`, secrets: 1, only: true },
    { path: '/root/.netrc', text: 'machine a login b password changeme\n', secrets: 0 },
    { path: '/root/.netrc', text: `machine a login b password ${base62(16)}\nmacdef init\nbin\n\n`, secrets: 1, only: false },
    { path: '/home/a/.npmrc', text: `//npm.example.invalid/:_authToken=npm_${base62(36)}\n`, secrets: 1, only: true },
    { path: '/home/a/.npmrc', text: `registry=https://npm.example.com/\n//npm.example.com/:_authToken=${base62(30)}\n`, secrets: 1, only: false },
    { path: '/home/a/.npmrc', text: '//npm.example.invalid/:_authToken=${NPM_TOKEN}\n', secrets: 0 },
    { path: '/etc/npmrc', text: `_auth=${randomBytes(18).toString('base64')}\n`, secrets: 1, only: true },
    { path: '/home/a/.pypirc', text: `[distutils]\nindex-servers = pypi\n[pypi]\nusername = __token__\npassword = pypi-${base62(40)}\n`, secrets: 1, only: false },
    { path: '/home/a/.config/gh/hosts.yml', text: `github.com:\n    user: bot\n    oauth_token: gho_${base62(36)}\n    git_protocol: https\n`, secrets: 1, only: true },
    { path: '/home/a/.kube/config', text: `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: ${base62(40)}\n`, secrets: 1, only: false },
    { path: '/etc/rancher/k3s/k3s.yaml', text: `users:\n- name: default\n  user:\n    client-key-data: ${pemBody()}\n`, secrets: 1, only: false },
    { path: '/root/.terraform.d/credentials.tfrc.json', text: `{"credentials":{"app.terraform.io":{"token":"${base62(14)}.atlasv1.${base62(60)}"}}}`, secrets: 1, only: true },
    { path: '/root/.vault-token', text: `hvs.${base62(24)}\n`, secrets: 1, only: true },
    { path: '/root/.vault-token', text: '\n', secrets: 0 },
    { path: '/root/.s3cfg', text: `[default]\naccess_key = ${awsKeyId()}\nsecret_key = ${awsSecret()}\nhost_base = s3.amazonaws.com\n`, secrets: 1, only: false },
    { path: '/root/.s3cfg', text: '[default]\naccess_key = \nsecret_key = \n', secrets: 0 },
    { path: '/root/.config/rclone/rclone.conf', text: `[spaces]\ntype = s3\nprovider = DigitalOcean\nsecret_access_key = ${awsSecret()}\n`, secrets: 1, only: false },
    { path: '/root/.azure/msal_token_cache.json', text: `{"RefreshToken": {"x": {"secret": "${base62(80)}"}}}`, secrets: 1, only: true },
    { path: '/root/.config/gcloud/application_default_credentials.json', text: `{"client_id": "x", "refresh_token": "1//${base62(60)}", "type": "authorized_user"}`, secrets: 1, only: true },
    { path: '/root/.config/gcloud/credentials.db', text: `SQLite format 3\0\0\0{"refresh_token": "1//${base62(60)}"}`, secrets: 1, only: true },
  ];
  for (const c of cases) {
    const store = storeAt(c.path);
    if (!store) {
      t.fail(`${c.path} is a known store`);
      continue;
    }
    const secrets = store.secrets(c.text);
    t.equal(secrets.length, c.secrets, `${c.path}: ${c.secrets} secret(s) in ${JSON.stringify(c.text.slice(0, 24))}...`);
    if (c.only !== undefined) t.equal(holdsOnlyCredentials(store, c.text), c.only, `${c.path}: ${c.only ? 'only credentials' : 'other settings too'}`);
  }
  t.equal(storeAt('/opt/app/config.yaml'), undefined, 'an ordinary file is no store');
});

t.test('placeholders', async (t) => {
  for (const value of ['', '""', 'changeme', '<password>', '${DB_PASSWORD}', '$TOKEN', '{{ vault_token }}', 'xxxxxxxx', 'your-token-here', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '********', 'aaaaaaaaaaaa', 'none']) {
    t.ok(isPlaceholder(value), `${JSON.stringify(value)} is a placeholder`);
  }
  for (const value of [base62(20), hex(16), 'S3cure!Passw0rd#2024']) t.notOk(isPlaceholder(value), 'a random value is not');
});

t.test('scanner', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'credential-scan-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const put = (path: string, content: string | Buffer) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const token = () => `dop_v1_${hex(32)}`;
  put('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nsvc:x:900:900::/var/lib/svc:/usr/sbin/nologin\n');
  put('/root/deploy.sh', `#!/bin/sh\ndoctl auth init -t ${token()}\n`);
  put('/root/notes/deep.txt', `${token()}\n`);
  put('/root/.bash_history', `${token()}\n`);
  put('/root/.ssh/config.bak', `${token()}\n`);
  put('/root/key.pem', `-----BEGIN EC PRIVATE KEY-----\n${pemBody()}\n-----END EC PRIVATE KEY-----\n`);
  put('/var/lib/svc/.config/doctl/config.yaml', `access-token: ${token()}\n`);
  put('/var/lib/app/docker.json', `{"auths":{"r":{"auth":"${randomBytes(18).toString('base64')}"}}}`);
  mkdirSync(join(root, 'root/.docker'));
  symlinkSync('/var/lib/app/docker.json', join(root, 'root/.docker/config.json'));
  put('/opt/app/bin/tool', Buffer.concat([Buffer.from('\x7fELF\0\0\0'), Buffer.from(token())]));
  put('/opt/app/node_modules/pkg/test/fixture.js', `const t = "${token()}";\n`);
  put('/opt/app/tls/server.key', `-----BEGIN PRIVATE KEY-----\n${pemBody()}\n-----END PRIVATE KEY-----\n`);
  put('/opt/app/big.txt', `${token()}\n${'x'.repeat(SCAN_LIMITS.fileBytes)}`);
  put('/var/www/html/config.php', `<?php define('GITHUB', 'ghp_${base62(36)}');\n`);

  const host = new Host(root, 'root');
  const scan = await scanForCredentials(host);
  const found = scan.found.map((f) => `${f.type} ${f.path} ${f.kind}`).sort();
  t.same(found, [
    'store /var/lib/svc/.config/doctl/config.yaml doctl config with an API token',
    'token /root/deploy.sh DigitalOcean API token',
    'token /root/key.pem private key',
    'token /var/www/html/config.php GitHub token',
  ], 'what is found: not deeper home files, histories, .ssh, links, binaries, node_modules, keys owned by tls-keys, large files');
  t.equal(scan.binary.files, 1, 'the binary counted');
  t.equal(scan.large.files, 1, 'the large file counted');
  t.same(scan.unreadable, [], 'nothing unreadable');
  for (const f of scan.found) t.match(f.sha256, /^[0-9a-f]{8}$/, 'an 8-hex hash prefix');
  t.notOk(JSON.stringify(scan).includes('dop_v1_'), 'no value in what the scan returns');

  // The budget: hard links of one file fill it; what is left is counted, not passed.
  const chunk = 'x'.repeat(1000) + '\n';
  put('/srv/bulk/0', chunk);
  for (let i = 1; i < 40; i++) linkSync(join(root, 'srv/bulk/0'), join(root, `srv/bulk/${i}`));
  const small = await scanForCredentials(new Host(root, 'root'), { ...SCAN_LIMITS, budgetBytes: 20_000 });
  t.ok(small.overBudget.files > 0 && small.overBudget.bytes > 0, 'files past the budget are counted');
  t.ok(small.scanned.bytes <= 20_000, 'no more than the budget is read');
});

t.test('the check: codes, messages without values', async (t) => {
  const { credentials } = await import('../../checks/credentials.js');
  const root = mkdtempSync(join(tmpdir(), 'credential-check-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const put = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const token = `dop_v1_${hex(32)}`;
  const second = `dop_v1_${hex(32)}`;
  const kubeToken = base62(40);
  put('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\n');
  put('/root/.config/doctl/config.yaml', `access-token: ${token}\n`);
  put('/root/.kube/config', `users:\n- name: a\n  user:\n    token: ${kubeToken}\n`);
  put('/srv/app/run.sh', `#!/bin/sh\nA=${token}\nB=${second}\n`);
  put('/srv/app/vendor/lib/test.php', `<?php $t = '${second}';\n`);
  const result = await credentials.run(new Host(root, 'root'));
  const rows = result.findings.map((f) => [f.status, f.code, f.path]);
  t.same(rows, [
    ['fail', 'credential-store', '/root/.config/doctl/config.yaml'],
    ['fail', 'store-secret', '/root/.kube/config'],
    ['fail', 'token', '/srv/app/run.sh'],
  ]);
  const run = result.findings.find((f) => f.path === '/srv/app/run.sh')!;
  t.match(run.message, /^DigitalOcean API token at line 2, sha256 [0-9a-f]{8} \(1 more in the file\)$/, 'kind, line, hash prefix, count');
  const all = JSON.stringify(result);
  for (const value of [token, second, kubeToken, token.slice(7, 40)]) t.notOk(all.includes(value), 'no value or part of one in the result');
});
