// Secrets canary: a dirty root full of planted secrets (the ledger's, plus cloud-init user-data,
// environment files, .pgpass, .netrc, .git-credentials, an sshd_config comment, an authorized_keys
// comment, a log line, a history line, a shadow hash, a private key body), then every command in
// every format and option combination. No output, and no file the agent wrote, may hold any of them.
import t from 'tap';
import { cpSync, readFileSync, writeFileSync, appendFileSync, chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeDirtyRoot } from '../../fixtures/synthetic/make-root.js';
import { PROFILES } from '../../fixtures/synthetic/profiles.js';
import { SecretLedger } from '../../fixtures/synthetic/secrets.js';
import { setPasswordField, addAccount } from '../../fixtures/synthetic/accounts.js';
import { makeDir, writeFile } from '../../fixtures/synthetic/tree.js';
import { leakedSecrets } from '../helpers/expect.js';
import { parseCleanup, parseReport, runAgent, type AgentRun } from '../helpers/agent.js';

const ubuntu = PROFILES.find((p) => p.name === 'ubuntu-24.04')!;
const isRoot = process.getuid?.() === 0;

/** Our own canaries on top of the dirty root's. */
function plantMore(root: string, ledger: SecretLedger): void {
  const c = (kind: string) => ledger.canary(kind);
  writeFile(root, '/var/lib/cloud/instances/x/user-data.txt', { content: `#cloud-config\nchpasswd:\n  list: |\n    root:${c('udpass')}\npassword: ${c('udpw')}\n`, mode: 0o600 });
  writeFile(root, '/var/lib/cloud/seed/nocloud/user-data', { content: `#cloud-config\npassword: ${c('seedpw')}\nssh_pwauth: true\n`, mode: 0o600 });
  writeFile(root, '/etc/environment', `PATH="/usr/local/sbin:/usr/bin"\nAPI_TOKEN=${c('envtoken')}\n`);
  writeFile(root, '/root/.env', { content: `API_TOKEN=${c('dotenv')}\n`, mode: 0o600 });
  writeFile(root, '/root/.pgpass', { content: `db.example.com:5432:app:app:${c('pgpass')}\n`, mode: 0o600 });
  writeFile(root, '/root/.netrc', { content: `machine api.example.com login deploy password ${c('netrc')}\n`, mode: 0o600 });
  writeFile(root, '/home/app/.git-credentials', { content: `https://deploy:${c('gitcred')}@github.com\n`, mode: 0o600, uid: 1000 });
  appendFileSync(join(root, 'etc/ssh/sshd_config'), `# temporary password ${c('sshdcomment')}\n`);
  const pair = ledger.keyPair('ed25519', c('akcomment'));
  makeDir(root, '/home/app/.ssh', 0o700, 1000);
  writeFile(root, '/home/app/.ssh/authorized_keys', { content: `# ${c('akline')}\n${pair.publicKey}`, mode: 0o600, uid: 1000 });
  writeFile(root, '/home/app/.ssh/id_ed25519', { content: ledger.keyPair('ed25519', c('privcomment')).privateKey, mode: 0o600, uid: 1000 });
  writeFile(root, '/var/log/auth.log', `Nov 24 06:00:01 build sudo: app : PWD=/ ; COMMAND=/usr/bin/mysql -p${c('logline')}\n`.repeat(3));
  writeFile(root, '/home/app/.bash_history', { content: `export AWS_SECRET_ACCESS_KEY=${c('histline')}\n`.repeat(10), mode: 0o600, uid: 1000 });
  addAccount(root, { name: 'ops', uid: 1010, home: '/home/ops', password: `$y$j9T$${c('salt').slice(0, 16)}$${c('shadowhash')}` });
  setPasswordField(root, 'app', `$6$${c('apphash')}`);
  // A leftover with a secret in its *content* under /tmp.
  writeFile(root, '/tmp/build.env', `DB_PASSWORD=${c('tmpenv')}\n`);
}

t.test('no command, format or option leaks a planted secret', async (t) => {
  const dir = t.testdir();
  chmodSync(dir, 0o755);
  const { root, secrets } = await makeDirtyRoot(join(dir, 'root'), ubuntu);
  const ledger = new SecretLedger();
  plantMore(root, ledger);
  const all = [...secrets, ...ledger.secrets];
  t.ok(all.length > 100, `${all.length} planted secrets`);

  const outputs: string[] = [];
  let runs = 0;
  const check = (label: string, run: AgentRun, files: string[] = []) => {
    runs++;
    const texts = [run.stdout, run.stderr, ...files.map((f) => readFileSync(f, 'utf8'))];
    outputs.push(...texts);
    t.same(leakedSecrets(all, texts), [], `${label}: no secret (exit ${run.code})`);
  };

  const report = join(dir, 'report.json');
  const opts: string[][] = [[], ['--strict'], ['--only', 'passwords,ssh-authorized-keys,shell-history,log-files'], ['--skip', 'security-updates'], ['--offline'], ['--report', report], ['--strict', '--offline', '--report', report, '--no-color']];
  for (const format of ['text', 'json', 'junit']) {
    for (const extra of opts) {
      const run = runAgent(['check', '--root', root, '--format', format, ...extra], { timeoutMs: 60_000 });
      if (format === 'json') parseReport(run.stdout);
      check(`check --format ${format} ${extra.join(' ')}`, run, extra.includes('--report') ? [report] : []);
    }
  }
  for (const format of ['text', 'json']) {
    const run = runAgent(['cleanup', '--root', root, '--format', format]);
    if (format === 'json') parseCleanup(run.stdout);
    check(`cleanup plan --format ${format}`, run);
  }
  for (const format of ['text', 'json']) {
    const copy = join(dir, `copy-${format}`);
    cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
    const run = runAgent(['cleanup', '--root', copy, '--yes', '--format', format], { timeoutMs: 120_000 });
    if (format === 'json') parseCleanup(run.stdout);
    check(`cleanup --yes --format ${format}`, run);
  }
  for (const format of ['text', 'json']) check(`list --format ${format}`, runAgent(['list', '--format', format]));
  const ids = (JSON.parse(runAgent(['list', '--format', 'json']).stdout) as { id: string }[]).map((c) => c.id);
  for (const id of ids) check(`explain ${id}`, runAgent(['explain', id]));
  for (const args of [['help'], ['help', 'check'], ['help', 'cleanup'], ['--help'], ['--version'], ['check', '--help']]) check(args.join(' '), runAgent(args));
  // Error paths.
  check('bad --root', runAgent(['check', '--root', join(dir, 'nope')]));
  check('--root a file', runAgent(['check', '--root', join(root, 'etc/passwd')]));
  check('unknown option', runAgent(['check', '--root', root, '--frobnicate']));
  check('unknown check id', runAgent(['check', '--root', root, '--only', 'nope']));
  // A secret in the config file must not come back in its error message: only the ones naming
  // keys and sections may quote them; none may quote a value.
  const configs: Record<string, string> = {
    severity: `[check.passwords]\nseverity = ${ledger.canary('cfgseverity')}\n`,
    offline: `[agent]\noffline = ${ledger.canary('cfgoffline')}\n`,
    skip: `[agent]\nskip = ${ledger.canary('cfgskip')}\n`,
  };
  for (const [name, text] of Object.entries(configs)) {
    const file = join(dir, `${name}.ini`);
    writeFileSync(file, text);
    const run = runAgent(['check', '--root', root, '--config', file]);
    runs++;
    t.equal(run.code, 2, `bad config (${name}): usage error`);
    t.same(leakedSecrets(ledger.secrets, [run.stdout, run.stderr]), [], `bad config (${name}): the message does not echo the value`);
  }
  // Non-root: live (refused, exit 3) and --root on readable files.
  if (isRoot) {
    check('live as uid 65534', runAgent(['check'], { uid: 65534 }));
    execFileSync('chmod', ['-R', 'o+rX', root]);
    for (let d = dir; d !== '/'; d = join(d, '..')) chmodSync(d, statSync(d).mode | 0o005);
    check('--root as uid 65534', runAgent(['check', '--root', root, '--format', 'json'], { uid: 65534 }));
    check('cleanup plan as uid 65534', runAgent(['cleanup', '--root', root, '--format', 'json'], { uid: 65534 }));
  }
  t.comment(`${runs} agent runs, ${all.length} secrets, ${outputs.join('').length} bytes of output searched`);
});
