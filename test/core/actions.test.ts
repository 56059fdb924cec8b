// The action union: every kind has a stage, an order and what it destroys; the published schema
// names exactly these kinds; the plan is ordered by stage and kind; the guard decides per kind.
import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareActions, fixes, KINDS, STAGES, type Action, type PlannedAction } from '../../agent/cleanup/actions.js';
import { applyAction } from '../../agent/cleanup/apply.js';
import { makeGuard, RUNNING_AGENT } from '../../agent/cleanup/guard.js';
import { describeAction } from '../../agent/cleanup/records.js';
import { Host } from '../../agent/host.js';
import { aptAdapter } from '../../distros/apt-adapter.js';
import { REPO } from '../helpers/agent.js';

t.test('the schema lists exactly the action kinds of the union', async (t) => {
  const schema = JSON.parse(readFileSync(join(REPO, 'agent/report.schema.json'), 'utf8'));
  t.same([...schema.$defs.action.properties.kind.enum].sort(), Object.keys(KINDS).sort());
});

t.test('every kind is described and staged', async (t) => {
  const samples: Action[] = [
    fixes.packages('upgrade'),
    fixes.removeFile('/a'),
    fixes.removeTree('/a'),
    fixes.truncate('/a'),
    fixes.lockAccount('/etc/shadow', 'root'),
    fixes.setMode('/tmp', 0o1777),
    fixes.makeDirectory('/tmp', 0o1777),
    fixes.createFile('/etc/ssh/revoked_keys', 0o600),
    { kind: 'trim-free-space', path: '/' },
    { kind: 'zero-free-space', path: '/' },
    { kind: 'remove-self' },
  ];
  t.same(samples.map((a) => a.kind).sort(), Object.keys(KINDS).sort(), 'a sample of every kind');
  for (const action of samples) {
    t.ok(STAGES.includes(KINDS[action.kind].stage), `${action.kind}: a stage`);
    t.ok(describeAction(action, aptAdapter).length > 5, `${action.kind}: described`);
  }
});

t.test('the plan order: /tmp repairs, then packages (purge, upgrade, autoremove, clean), then accounts, keys, logs last', async (t) => {
  const actions: Action[] = [
    fixes.truncate('/var/log/syslog'),
    fixes.packages('clean'),
    fixes.removeFile('/root/.ssh/id_rsa'),
    fixes.lockAccount('/etc/shadow', 'root'),
    fixes.packages('upgrade'),
    fixes.setMode('/tmp', 0o1777),
    fixes.packages('purge', ['droplet-agent']),
    { kind: 'zero-free-space', path: '/' },
  ];
  const order = [...actions].sort(compareActions).map((a) => (a.kind === 'run' ? `run ${a.step}` : a.kind));
  t.same(order, ['set-mode', 'run purge', 'run upgrade', 'run clean', 'lock-account', 'remove-file', 'truncate-file', 'zero-free-space']);
});

t.test('the guard: what would remove or replace the agent is refused, a mode change beside it is not', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'guard-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'tmp/build'), { recursive: true, mode: 0o755 });
  const agent = join(root, 'tmp/agent');
  writeFileSync(agent, 'agent binary');
  writeFileSync(join(root, 'tmp/build/left.tar'), 'x');
  const host = new Host(root, 'root');
  const guard = makeGuard(host, false, agent);
  const planned = (action: Action): PlannedAction => ({ ...action, check: 'tmp-dirs' });
  t.equal(guard.refusal(fixes.removeFile('/tmp/agent')), RUNNING_AGENT, 'unlinking the agent');
  t.equal(guard.refusal(fixes.truncate('/tmp/agent')), RUNNING_AGENT, 'truncating the agent');
  t.equal(guard.refusal(fixes.setMode('/tmp', 0o1777)), undefined, 'a mode change on the directory holding it');
  t.equal(guard.refusal(fixes.removeTree('/tmp')), undefined, 'a tree holding it is emptied around it');
  const context = { host, adapter: aptAdapter, guard, freeSpace: { showProgress: false } };
  t.same(await applyAction(context, planned(fixes.setMode('/tmp', 0o1777))), { status: 'done' });
  t.equal(statSync(join(root, 'tmp')).mode & 0o7777, 0o1777, '/tmp repaired while the agent runs from it');
  t.same(await applyAction(context, planned(fixes.removeTree('/tmp'))), { status: 'done', reason: 'kept the running agent binary' });
  t.equal(readFileSync(agent, 'utf8'), 'agent binary', 'the agent is still there');
  t.throws(() => statSync(join(root, 'tmp/build')), 'the rest of /tmp is gone');
  t.equal(makeGuard(host, true, agent).refusal(fixes.removeFile('/tmp/agent')), undefined, '--remove-self lifts the guard');
});
