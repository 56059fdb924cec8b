// The package refresh on a real bookworm root, live inside it: with the network cut, the root's
// remote sources cannot be refreshed and security-updates says `error` with the reason, never
// `pass`; with --offline it uses the lists on disk and says so.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAgentInRoot } from '../fixtures/real/agent-in-root.js';
import { freshRoot } from '../fixtures/real/debian-roots.js';
import { addLocalSecurityRepo, prepareAsVendor, useOnlyLocalSources } from '../fixtures/real/security-repo.js';
import { parseReport, TEST_TODAY } from './helpers/agent.js';
import { REAL_ROOTS, requires } from './helpers/requires.js';

t.test('refresh failures and --offline', { skip: requires(REAL_ROOTS) }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'real-refresh-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'root');
  await freshRoot('bookworm', root);
  await addLocalSecurityRepo(root);
  await prepareAsVendor(root);
  const check = async (args: string[]) => {
    const run = await runAgentInRoot(root, ['check', '--format', 'json', '--only', 'security-updates', ...args], { today: TEST_TODAY });
    return { run, check: parseReport(run.stdout).checks[0] };
  };

  // The root still lists the mirror's sources; the namespace has no network.
  const cut = await check([]);
  t.equal(cut.check.status, 'error', 'network cut: error, not pass');
  t.match(cut.check.summary, /apt-get update (failed|could not refresh every source)/, 'with the reason');
  t.equal(cut.run.code, 3, 'exit 3: could not complete');

  await useOnlyLocalSources(root);
  const fresh = await check([]);
  t.equal(fresh.check.status, 'pass', 'refreshed from the local repository: nothing pending after the vendor upgrade');
  t.match(fresh.check.summary, /lists refreshed/);

  const offline = await check(['--offline']);
  t.equal(offline.check.status, 'pass');
  t.match(offline.check.summary, /offline: lists on disk, not refreshed/, '--offline says it did not refresh');

});
