// The firewall check on synthetic roots: what the image will do at boot, from its config files and
// wants/ links. Each case starts from a clean root and writes only the firewall's own files.
import t from 'tap';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Host } from '../agent/host.js';
import type { CheckResult } from '../agent/types.js';
import { firewall } from '../checks/firewall.js';
import { makeSyntheticRoot } from '../fixtures/synthetic/make-root.js';
import { PROFILES, type Profile } from '../fixtures/synthetic/profiles.js';
import { installUnit } from '../fixtures/synthetic/units.js';
import { makeSymlink, writeFile } from '../fixtures/synthetic/tree.js';
import { requires, RPM_ROOTS } from './helpers/requires.js';

const profile = (name: string): Profile => PROFILES.find((p) => p.name === name)!;
const skipRpm = requires(RPM_ROOTS);

const WANTS = '/etc/systemd/system/multi-user.target.wants';
const UFW_CONF = '# /etc/ufw/ufw.conf\n#\n\n# Set to yes to start on boot.\nENABLED=yes\n\nLOGLEVEL=low\n';
const userRules = (...tuples: string[]) =>
  `*filter\n:ufw-user-input - [0:0]\n:ufw-user-output - [0:0]\n:ufw-user-forward - [0:0]\n### RULES ###\n\n${tuples.join('\n\n')}\n\n### END RULES ###\nCOMMIT\n`;
const OPENSSH =
  "### tuple ### allow any 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT -m comment --comment 'dapp_OpenSSH'";
const HTTP = '### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 80 -j ACCEPT';
const PORT_2222 = '### tuple ### allow tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 2222 -j ACCEPT';
const PORT_22 = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT';

const codes = (result: CheckResult) => result.findings.map((f) => [f.status, f.code, f.path ?? null]);

async function cleanRoot(t: { testdir: () => string }, profileName: string): Promise<string> {
  const { root } = await makeSyntheticRoot(join(t.testdir(), 'root'), profile(profileName), []);
  // The apt fixtures come with ufw prepared as a vendor would; these cases start without a firewall.
  rmSync(join(root, 'etc/ufw'), { recursive: true, force: true });
  return root;
}

const check = (root: string) => firewall.run(new Host(root, 'root'));

function ufwOn(root: string, ...tuples: string[]): void {
  writeFile(root, '/etc/ufw/ufw.conf', UFW_CONF);
  writeFile(root, '/etc/default/ufw', 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\n');
  writeFile(root, '/etc/ufw/user.rules', { content: userRules(...tuples), mode: 0o640 });
}

t.test('the module record', async (t) => {
  t.equal(firewall.id, 'firewall');
  t.equal(firewall.severity, 'fail');
  t.equal(firewall.canFix, false);
  t.notMatch(firewall.remedy, /\n/, 'remedy is one line');
  t.ok(firewall.explain.limits, 'limits are written down');
});

t.test('ubuntu without ufw.conf: no firewall', async (t) => {
  const result = await check(await cleanRoot(t, 'ubuntu-24.04'));
  t.same(codes(result), [['warn', 'no-firewall', null]]);
});

t.test('ufw enabled and OpenSSH allowed: pass, named in the summary', async (t) => {
  const root = await cleanRoot(t, 'ubuntu-24.04');
  ufwOn(root, OPENSSH);
  const result = await check(root);
  t.same(result.findings, []);
  t.equal(result.summary, 'ufw is enabled at boot and allows SSH (22/tcp)');
});

t.test('ufw enabled with only 80/tcp: SSH blocked', async (t) => {
  const root = await cleanRoot(t, 'ubuntu-22.04');
  ufwOn(root, HTTP);
  const result = await check(root);
  t.same(codes(result), [['fail', 'ssh-blocked', '/etc/ufw/user.rules']]);
  t.notMatch(result.findings[0].message, /0\.0\.0\.0|ACCEPT|tuple/, 'no rule contents beyond ports');
});

t.test('ufw ENABLED=yes but ufw.service masked: no firewall', async (t) => {
  const root = await cleanRoot(t, 'ubuntu-24.04');
  ufwOn(root, OPENSSH);
  makeSymlink(root, '/etc/systemd/system/ufw.service', '/dev/null');
  t.same(codes(await check(root)), [['warn', 'no-firewall', null]]);
});

t.test('ufw ENABLED=yes but ufw.service not enabled: no firewall', async (t) => {
  const root = await cleanRoot(t, 'debian-12');
  ufwOn(root, OPENSSH);
  rmSync(join(root, WANTS, 'ufw.service'));
  t.same(codes(await check(root)), [['warn', 'no-firewall', null]]);
});

t.test('sshd on port 2222 from a drop-in', async (t) => {
  t.test('a rule for 2222: pass', async (t) => {
    const root = await cleanRoot(t, 'ubuntu-24.04');
    writeFile(root, '/etc/ssh/sshd_config.d/60-port.conf', 'Port 2222\n');
    ufwOn(root, PORT_2222);
    const result = await check(root);
    t.same(result.findings, []);
    t.equal(result.summary, 'ufw is enabled at boot and allows SSH (2222/tcp)');
  });
  t.test('only 22 allowed: blocked', async (t) => {
    const root = await cleanRoot(t, 'ubuntu-24.04');
    writeFile(root, '/etc/ssh/sshd_config.d/60-port.conf', 'Port 2222\n');
    ufwOn(root, PORT_22);
    const result = await check(root);
    t.same(codes(result), [['fail', 'ssh-blocked', '/etc/ufw/user.rules']]);
    t.match(result.findings[0].message, /2222\/tcp/);
  });
});

t.test('an unreadable ufw.conf is an error, never a pass', async (t) => {
  const root = await cleanRoot(t, 'ubuntu-24.04');
  ufwOn(root, OPENSSH);
  rmSync(join(root, 'etc/ufw/ufw.conf'));
  mkdirSync(join(root, 'etc/ufw/ufw.conf')); // a directory where the file should be
  const result = await check(root);
  t.same(codes(result), [['error', 'unreadable', '/etc/ufw/ufw.conf']]);
});

t.test('iptables rules.v4 restored by netfilter-persistent: pass', async (t) => {
  const root = await cleanRoot(t, 'debian-12');
  writeFile(
    root,
    '/etc/iptables/rules.v4',
    '# Generated by iptables-save v1.8.9 (nf_tables)\n*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n',
  );
  installUnit(root, { unit: 'netfilter-persistent.service', program: '/usr/sbin/netfilter-persistent' });
  const result = await check(root);
  t.same(result.findings, []);
  t.match(result.summary, /^iptables \(netfilter-persistent\.service\) loads INPUT rules at boot that accept SSH \(22\/tcp\)$/);
});

t.test('nftables with a drop policy and no SSH rule: maybe blocked', async (t) => {
  const root = await cleanRoot(t, 'debian-12');
  writeFile(
    root,
    '/etc/nftables.conf',
    '#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n\t\ttcp dport { 80, 443 } accept\n\t}\n}\n',
  );
  installUnit(root, { unit: 'nftables.service', program: '/usr/sbin/nft', wantedBy: 'sysinit.target' });
  t.same(codes(await check(root)), [['warn', 'ssh-maybe-blocked', '/etc/nftables.conf']]);
});

t.test('csf in testing mode: warn', async (t) => {
  const root = await cleanRoot(t, 'ubuntu-24.04');
  writeFile(root, '/etc/csf/csf.conf', '# Testing flag\nTESTING = "1"\nTESTING_INTERVAL = "5"\nTCP_IN = "20,21,22,25,53,80,110,143,443,465,587,993,995"\n');
  installUnit(root, { unit: 'csf.service', program: '/usr/sbin/csf', unitDir: '/usr/lib/systemd/system' });
  installUnit(root, { unit: 'lfd.service', program: '/usr/sbin/lfd', unitDir: '/usr/lib/systemd/system' });
  t.same(codes(await check(root)), [['warn', 'csf-testing', '/etc/csf/csf.conf']]);
});

t.test('csf live without the SSH port in TCP_IN: blocked', async (t) => {
  const root = await cleanRoot(t, 'ubuntu-24.04');
  writeFile(root, '/etc/csf/csf.conf', 'TESTING = "0"\nTCP_IN = "80,443"\n');
  installUnit(root, { unit: 'csf.service', program: '/usr/sbin/csf', unitDir: '/usr/lib/systemd/system' });
  t.same(codes(await check(root)), [['fail', 'ssh-blocked', '/etc/csf/csf.conf']]);
});

t.test('rocky-9 with firewalld', { skip: skipRpm }, async (t) => {
  t.test('default public zone from /usr/lib has ssh: pass', async (t) => {
    const result = await check(await cleanRoot(t, 'rocky-9'));
    t.same(result.findings, []);
    t.equal(result.summary, 'firewalld is enabled at boot and its default zone public allows SSH (22/tcp)');
  });
  t.test('an /etc/firewalld/zones/public.xml override without ssh: blocked', async (t) => {
    const root = await cleanRoot(t, 'rocky-9');
    writeFile(root, '/etc/firewalld/zones/public.xml', '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Public</short>\n  <service name="http"/>\n  <service name="https"/>\n  <forward/>\n</zone>\n');
    t.same(codes(await check(root)), [['fail', 'ssh-blocked', '/etc/firewalld/zones/public.xml']]);
  });
  t.test('DefaultZone=drop: blocked', async (t) => {
    const root = await cleanRoot(t, 'rocky-9');
    writeFile(root, '/etc/firewalld/firewalld.conf', '# firewalld config file\nDefaultZone=drop\nFirewallBackend=nftables\n');
    writeFile(root, '/usr/lib/firewalld/zones/drop.xml', '<?xml version="1.0" encoding="utf-8"?>\n<zone target="DROP">\n  <short>Drop</short>\n  <forward/>\n</zone>\n');
    t.same(codes(await check(root)), [['fail', 'ssh-blocked', '/usr/lib/firewalld/zones/drop.xml']]);
  });
  t.test('firewalld.service masked: no firewall', async (t) => {
    const root = await cleanRoot(t, 'rocky-9');
    makeSymlink(root, '/etc/systemd/system/firewalld.service', '/dev/null');
    t.same(codes(await check(root)), [['warn', 'no-firewall', null]]);
  });
});

/**
 * A live-mode host whose `iptables` (asked for ufw's chain: exit 0 loaded, 1 not) and `systemctl`
 * are scripts answering as given (null: not installed).
 */
function liveHost(root: string, answers: { iptables: number | null; systemctl: string | null }): Host {
  const bin = join(dirname(root), 'bin'); // beside the root: a second t.testdir() would empty it
  mkdirSync(bin, { recursive: true });
  if (answers.iptables !== null) writeFile(bin, '/iptables', { content: `#!/bin/sh\n[ "$*" = "-n -L ufw-user-input" ] || exit 2\nexit ${answers.iptables}\n`, mode: 0o755 });
  if (answers.systemctl !== null) writeFile(bin, '/systemctl', { content: `#!/bin/sh\nprintf '%s\\n' '${answers.systemctl}'\n`, mode: 0o755 });
  return new Host(root, 'live', { offline: true }, { env: { PATH: bin } });
}

t.test('live mode: the running state only adds a warning', async (t) => {
  t.test('ufw active now, not enabled in the image', async (t) => {
    const root = await cleanRoot(t, 'ubuntu-24.04');
    const result = await firewall.run(liveHost(root, { iptables: 0, systemctl: 'inactive' }));
    t.same(codes(result), [['warn', 'no-firewall', null], ['warn', 'runtime-differs', '/etc/ufw/ufw.conf']], 'the boot state still decides: no firewall');
  });
  t.test('ufw enabled in the image, inactive now', async (t) => {
    const root = await cleanRoot(t, 'ubuntu-24.04');
    ufwOn(root, HTTP);
    const result = await firewall.run(liveHost(root, { iptables: 1, systemctl: 'inactive' }));
    t.same(codes(result), [['fail', 'ssh-blocked', '/etc/ufw/user.rules'], ['warn', 'runtime-differs', '/etc/ufw/ufw.conf']]);
  });
  t.test('agreeing states: pass', async (t) => {
    const root = await cleanRoot(t, 'ubuntu-24.04');
    ufwOn(root, OPENSSH);
    const result = await firewall.run(liveHost(root, { iptables: 0, systemctl: 'inactive' }));
    t.same(result.findings, []);
  });
  t.test('commands missing or not answering: skipped', async (t) => {
    const root = await cleanRoot(t, 'ubuntu-24.04');
    ufwOn(root, OPENSSH);
    t.same((await firewall.run(liveHost(root, { iptables: null, systemctl: null }))).findings, []);
    t.same((await firewall.run(liveHost(root, { iptables: 4, systemctl: 'offline' }))).findings, []);
  });
  t.test('firewalld active now, not enabled in the image', async (t) => {
    const root = await cleanRoot(t, 'ubuntu-24.04');
    ufwOn(root, OPENSSH);
    const result = await firewall.run(liveHost(root, { iptables: 0, systemctl: 'active' }));
    t.same(codes(result), [['warn', 'runtime-differs', null]]);
    t.match(result.findings[0].message, /^firewalld is active on this machine now but will not be enabled at boot/);
  });
});
