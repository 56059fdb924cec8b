// The Packer templates of examples/packer, checked by the packer this machine has (Debian's 1.6.6):
// `packer validate` accepts the qemu template as test/packer-build.test.ts builds with it; the
// DigitalOcean template is written for current Packer (a `required_plugins` block, which 1.6.6
// rejects), so its builder settings are validated without that block, against 1.6.6's built-in
// DigitalOcean builder (validate does not call DigitalOcean's API).
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIGITALOCEAN_TEMPLATE, packerEnv, QEMU_TEMPLATE, templateVars } from '../fixtures/real/packer-build.js';
import { runOnHost } from '../fixtures/real/ns-run.js';
import { requireAgent, REPO } from './helpers/agent.js';
import { requires } from './helpers/requires.js';

const skip = requires({ commands: ['packer', 'ssh-keygen'] });

/** The template without its top-level `packer { ... }` block (braces matched; the block holds no strings with braces). */
function withoutPackerBlock(hcl: string): string {
  const start = hcl.search(/^packer \{/m);
  if (start < 0) return hcl;
  let depth = 0;
  for (let i = start; i < hcl.length; i++) {
    if (hcl[i] === '{') depth++;
    else if (hcl[i] === '}' && --depth === 0) return hcl.slice(0, start) + hcl.slice(i + 1);
  }
  throw new Error('unbalanced packer block');
}

function validate(dir: string, args: string[], env: Record<string, string> = {}) {
  return runOnHost(['packer', 'validate', ...args], { cwd: REPO, env: { ...packerEnv(dir), ...env }, timeoutMs: 60_000 });
}

t.test('packer build templates: the qemu example validates with the values the real build gives it', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'packer-validate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string) => {
    writeFileSync(join(dir, name), '');
    return join(dir, name);
  };
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
  const image = { image: file('base.img'), kernel: file('vmlinuz'), initrd: file('initrd.img'), cmdline: 'root=LABEL=x ro', firstBootPassword: null };
  file('meta-data');
  file('user-data');
  const vars = templateVars(dir, image, dir, join(dir, 'key'), ['AGENT_TODAY=2026-11-24']);
  const ok = await validate(dir, [...vars, QEMU_TEMPLATE]);
  t.equal(ok.code, 0, `packer validate: ${ok.stdout}${ok.stderr}`);

  const missing = await validate(dir, [QEMU_TEMPLATE]);
  t.not(missing.code, 0, 'without its variables it is refused');
  t.match(missing.stdout + missing.stderr, /Unset variable "base_image"/, 'naming the variable');
});

t.test('packer build templates: the DigitalOcean example, its builder settings validated by 1.6.6', { skip }, async (t) => {
  requireAgent(); // its file provisioner uploads dist/agent, which validate checks exists
  const dir = mkdtempSync(join(tmpdir(), 'packer-validate-do-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const hcl = readFileSync(DIGITALOCEAN_TEMPLATE, 'utf8');
  const token = { DIGITALOCEAN_TOKEN: 'dummy-token-validate-only' };

  const asIs = await validate(dir, [DIGITALOCEAN_TEMPLATE], token);
  t.not(asIs.code, 0, '1.6.6 refuses the template as written for current Packer');
  t.match(asIs.stdout + asIs.stderr, /Blocks of type "required_plugins" are not expected here/, 'only because of required_plugins');

  const stripped = join(dir, 'marketplace-1.6.pkr.hcl');
  writeFileSync(stripped, withoutPackerBlock(hcl));
  t.notMatch(readFileSync(stripped, 'utf8'), /required_plugins/);
  const ok = await validate(dir, [stripped], token);
  t.equal(ok.code, 0, `packer validate without the packer block: ${ok.stdout}${ok.stderr}`);

  // The builder really checks the settings: a misspelt one, and a missing token, are refused.
  writeFileSync(stripped, withoutPackerBlock(hcl).replace(/^(\s*)region(\s*)=/m, '$1regoin$2='));
  const misspelt = await validate(dir, [stripped], token);
  t.match(misspelt.stdout + misspelt.stderr, /An argument named "regoin" is not expected here/, 'a misspelt setting is refused');
  writeFileSync(stripped, withoutPackerBlock(hcl));
  const noToken = await validate(dir, [stripped]);
  t.match(noToken.stdout + noToken.stderr, /api_token for auth must be specified/, 'no token: refused');
});
