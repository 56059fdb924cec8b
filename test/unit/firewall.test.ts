// The firewall config parsers, on texts in the formats the tools write (ufw 0.36 user.rules,
// firewalld zone XML, Debian's nftables.conf, iptables-save, csf.conf).
import t from 'tap';
import { parseCsfConf } from '../../agent/facts/firewall/csf.js';
import { BUILTIN_ZONES, parseDefaultZone, parseZone, servicePorts, zoneAllowsTcp } from '../../agent/facts/firewall/firewalld.js';
import { iptablesAcceptsPort, iptablesDropsByDefault, iptablesFiltersInput, parseIptablesSave } from '../../agent/facts/firewall/iptables.js';
import { nftDropsByDefault, nftMentionsPort, parseNftRuleset } from '../../agent/facts/firewall/nftables.js';
import { describeTcpPorts, portSpecIncludes } from '../../agent/facts/firewall/ports.js';
import { ufwChainState } from '../../agent/facts/firewall/runtime.js';
import { listenAddressPort } from '../../agent/facts/firewall/ssh-ports.js';
import { parseUfwTuples, ufwConfEnabled, ufwDefaultInputPolicy, ufwSshVerdict } from '../../agent/facts/firewall/ufw.js';

/** user.rules as ufw writes it, with the given rule blocks between the markers. */
const userRules = (...blocks: string[]) =>
  [
    '*filter',
    ':ufw-user-input - [0:0]',
    ':ufw-user-output - [0:0]',
    ':ufw-user-forward - [0:0]',
    ':ufw-before-logging-input - [0:0]',
    ':ufw-user-limit - [0:0]',
    ':ufw-user-limit-accept - [0:0]',
    '### RULES ###',
    '',
    ...blocks.flatMap((b) => [b, '']),
    '### END RULES ###',
    '',
    '### LOGGING ###',
    '-A ufw-after-logging-input -j LOG --log-prefix "[UFW BLOCK] " -m limit --limit 3/min --limit-burst 10',
    '### END LOGGING ###',
    '',
    '### RATE LIMITING ###',
    '-A ufw-user-limit -m limit --limit 3/minute -j LOG --log-prefix "[UFW LIMIT BLOCK] "',
    '-A ufw-user-limit -j REJECT',
    '-A ufw-user-limit-accept -j ACCEPT',
    '### END RATE LIMITING ###',
    'COMMIT',
    '',
  ].join('\n');

const ALLOW_22 = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT';
const OPENSSH =
  "### tuple ### allow any 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT -m comment --comment 'dapp_OpenSSH'";
const LIMIT_22 =
  '### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=73736820726174652d6c696d69746564\n-A ufw-user-input -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --set\n-A ufw-user-input -p tcp --dport 22 -j ufw-user-limit-accept';
const DENY_22 = '### tuple ### deny tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 22 -j DROP';
const ALLOW_80 = '### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 80 -j ACCEPT';
const ALLOW_WEB = '### tuple ### allow tcp 80,443 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp -m multiport --dports 80,443 -j ACCEPT';
const ALLOW_2222 = '### tuple ### allow tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 2222 -j ACCEPT';
const ALLOW_RANGE = '### tuple ### allow tcp 2000:3000 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp -m multiport --dports 2000:3000 -j ACCEPT';
const FROM_OFFICE = '### tuple ### allow tcp 22 0.0.0.0/0 any 203.0.113.0/24 in\n-A ufw-user-input -p tcp --dport 22 -s 203.0.113.0/24 -j ACCEPT';
const TO_BUILD_IP = '### tuple ### allow tcp 22 198.51.100.7 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp -d 198.51.100.7 --dport 22 -j ACCEPT';
const ON_ETH1 = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in_eth1\n-A ufw-user-input -i eth1 -p tcp --dport 22 -j ACCEPT';
const ON_ETH0 = '### tuple ### allow_log tcp 22 0.0.0.0/0 any 0.0.0.0/0 in_eth0\n-A ufw-user-input -i eth0 -p tcp --dport 22 -j ACCEPT';
const UDP_22 = '### tuple ### allow udp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p udp --dport 22 -j ACCEPT';
const ROUTE_22 = '### tuple ### route:allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in_eth0!out_eth1\n-A ufw-user-forward -i eth0 -o eth1 -p tcp --dport 22 -j ACCEPT';
const OUT_22 = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 out\n-A ufw-user-output -p tcp --dport 22 -j ACCEPT';
const ALLOW_ALL_FROM_ANY = '### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -j ACCEPT';
const V6_ALLOW_22 = '### tuple ### allow tcp 22 ::/0 any ::/0 in\n-A ufw6-user-input -p tcp --dport 22 -j ACCEPT';

t.test('parseUfwTuples reads the tuple comments, not the generated -A lines', async (t) => {
  const rules = parseUfwTuples(userRules(ALLOW_22, OPENSSH, LIMIT_22, ROUTE_22, '### tuple ### allow any 80,443 0.0.0.0/0 any 0.0.0.0/0 Nginx%20Full - in'));
  t.same(
    rules.map((r) => [r.action, r.route, r.protocol, r.dport, r.src, r.dapp, r.direction]),
    [
      ['allow', false, 'tcp', '22', '0.0.0.0/0', '-', 'in'],
      ['allow', false, 'any', '22', '0.0.0.0/0', 'OpenSSH', 'in'],
      ['limit', false, 'tcp', '22', '0.0.0.0/0', '-', 'in'],
      ['allow', true, 'tcp', '22', '0.0.0.0/0', '-', 'in_eth0!out_eth1'],
      ['allow', false, 'any', '80,443', '0.0.0.0/0', 'Nginx%20Full', 'in'],
    ],
  );
  t.same(parseUfwTuples('### tuple ### allow tcp 22\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n'), [], 'a truncated tuple is not a rule');
});

const VERDICTS: [string, string[], number[], string][] = [
  ['allow 22/tcp', [ALLOW_22], [22], 'allowed'],
  ['ufw allow OpenSSH', [OPENSSH], [22], 'allowed'],
  ['limit 22/tcp counts as allowed', [LIMIT_22], [22], 'allowed'],
  ['only 80/tcp', [ALLOW_80], [22], 'none'],
  ['80,443 multiport', [ALLOW_WEB], [22], 'none'],
  ['no rules at all', [], [22], 'none'],
  ['deny 22 decides: ufw takes the first match', [DENY_22, ALLOW_22], [22], 'denied'],
  ['allow 22 before a deny', [ALLOW_22, DENY_22], [22], 'allowed'],
  ['sshd on 2222, rule for 2222', [ALLOW_2222], [2222], 'allowed'],
  ['sshd on 2222, only 22 allowed', [ALLOW_22], [2222], 'none'],
  ['sshd on 2222, OpenSSH profile (22) only', [OPENSSH], [2222], 'none'],
  ['a port range covering 2222', [ALLOW_RANGE], [2222], 'allowed'],
  ['sshd on 22 and 2222, one allowed is enough', [ALLOW_2222], [22, 2222], 'allowed'],
  ['only from one network', [FROM_OFFICE], [22], 'restricted'],
  ['only to the build machine address', [TO_BUILD_IP], [22], 'restricted'],
  ['only on eth1 (private network)', [ON_ETH1], [22], 'restricted'],
  ['on eth0 (the public interface), logged', [ON_ETH0], [22], 'allowed'],
  ['a restricted deny does not decide', ['### tuple ### deny tcp 22 0.0.0.0/0 any 192.0.2.9 in', ALLOW_22], [22], 'allowed'],
  ['udp only', [UDP_22], [22], 'none'],
  ['a route rule does not reach sshd', [ROUTE_22], [22], 'none'],
  ['an outgoing rule', [OUT_22], [22], 'none'],
  ['allow everything from anywhere', [ALLOW_ALL_FROM_ANY], [22], 'allowed'],
  ['IPv6 file', [V6_ALLOW_22], [22], 'allowed'],
];

t.test('ufwSshVerdict', async (t) => {
  for (const [name, blocks, ports, verdict] of VERDICTS) t.equal(ufwSshVerdict(parseUfwTuples(userRules(...blocks)), ports), verdict, name);
});

t.test('ufw.conf and /etc/default/ufw', async (t) => {
  const conf = (enabled: string) => `# /etc/ufw/ufw.conf\n#\n\n# Set to yes to start on boot. If setting this remotely, be sure to add a rule\n# to allow your remote connection before starting ufw. Eg: 'ufw allow 22/tcp'\n${enabled}\n\n# Please use the 'ufw logging' command to set the logging level.\nLOGLEVEL=low\n`;
  const cases: [string, boolean][] = [
    ['ENABLED=yes', true],
    ['ENABLED=no', false],
    ['ENABLED="yes"', true],
    ['ENABLED=YES', true],
    ['#ENABLED=yes', false],
    ['', false],
  ];
  for (const [line, expected] of cases) t.equal(ufwConfEnabled(conf(line)), expected, line || '(no line)');
  t.equal(ufwDefaultInputPolicy('IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\n'), 'DROP');
  t.equal(ufwDefaultInputPolicy('DEFAULT_INPUT_POLICY="ACCEPT"\n'), 'ACCEPT');
  t.equal(ufwDefaultInputPolicy(null), 'DROP', 'missing file: ufw drops');
});

const PUBLIC_ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <description>For use in public areas.</description>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <service name="cockpit"/>
  <forward/>
</zone>
`;
const WEB_ONLY_ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <service name="http"/>
  <service name="https"/>
  <!-- <service name="ssh"/> removed for the demo -->
  <rule family="ipv4">
    <source address="203.0.113.0/24"/>
    <service name="ssh"/>
    <accept/>
  </rule>
</zone>
`;
const PORT_ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone target="default">
  <short>Public</short>
  <port port="2222" protocol="tcp"/>
  <port protocol="udp" port="22"/>
</zone>
`;
const DROP_ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone target="DROP">
  <short>Drop</short>
  <description>Unsolicited incoming network packets are dropped.</description>
  <forward/>
</zone>
`;
const TRUSTED_ZONE = `<?xml version="1.0" encoding="utf-8"?>\n<zone target="ACCEPT">\n  <short>Trusted</short>\n</zone>\n`;

t.test('firewalld zones', async (t) => {
  t.same(parseZone(PUBLIC_ZONE), { target: 'default', services: ['ssh', 'dhcpv6-client', 'cockpit'], ports: [] });
  t.same(parseZone(WEB_ONLY_ZONE).services, ['http', 'https'], 'comments and rich rules are not zone services');
  t.same(parseZone(PORT_ZONE).ports, [{ port: '2222', protocol: 'tcp' }, { port: '22', protocol: 'udp' }], 'attributes in any order');
  t.same(
    parseZone('<zone><!-- a --><service name="a"/><!-- <service name="b"/> --><rule><service name="c"/></rule><service name="d"/><!-- <service name="e"/>'),
    { target: 'default', services: ['a', 'd', 'e'], ports: [] },
    'comments and rules closed later are dropped; an unclosed comment is left',
  );
  t.same(parseZone('<zone target="ACCEPT"><service name="a"/><service name="b"').services, ['a'], 'a start tag that never closes is not read');
  const ssh = ['22'];
  const cases: [string, string, number[], boolean][] = [
    ['public with service ssh', PUBLIC_ZONE, [22], true],
    ['public with ssh, sshd on 2222', PUBLIC_ZONE, [2222], false],
    ['web only (ssh in a rich rule)', WEB_ONLY_ZONE, [22], false],
    ['port 2222/tcp', PORT_ZONE, [2222], true],
    ['22/udp is not SSH', PORT_ZONE, [22], false],
    ['drop zone', DROP_ZONE, [22], false],
    ['trusted zone accepts everything', TRUSTED_ZONE, [22], true],
    ['port range', '<zone><port protocol="tcp" port="2000-3000"/></zone>', [2222], true],
  ];
  for (const [name, xml, ports, expected] of cases) t.equal(zoneAllowsTcp(parseZone(xml), ports, ssh), expected, name);
  t.equal(zoneAllowsTcp(BUILTIN_ZONES.block, [22], ssh), false, 'builtin block');
  t.equal(zoneAllowsTcp(parseZone(PUBLIC_ZONE), [2222], ['2222']), true, 'a redefined ssh service');
  t.same(servicePorts('<?xml version="1.0" encoding="utf-8"?>\n<service>\n  <short>SSH</short>\n  <port protocol="tcp" port="22"/>\n</service>\n'), ['22']);
});

t.test('firewalld.conf DefaultZone', async (t) => {
  const cases: [string | null, string][] = [
    ['# default zone\n# Default: public\nDefaultZone=public\n', 'public'],
    ['DefaultZone=drop\n', 'drop'],
    ['#DefaultZone=drop\n', 'public'],
    ['DefaultZone=\n', 'public'],
    [null, 'public'],
  ];
  for (const [text, zone] of cases) t.equal(parseDefaultZone(text), zone, JSON.stringify(text));
});

const DEBIAN_NFT = `#!/usr/sbin/nft -f

flush ruleset

table inet filter {
	chain input {
		type filter hook input priority filter;
	}
	chain forward {
		type filter hook forward priority filter;
	}
	chain output {
		type filter hook output priority filter;
	}
}
`;
const DROP_NFT = (rules: string) => `#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	set web { type inet_service; elements = { 80, 443 } }
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iif "lo" accept
${rules}
	}
	chain output {
		type filter hook output priority filter; policy accept;
	}
}
`;

t.test('nftables rulesets', async (t) => {
  t.same(parseNftRuleset(DEBIAN_NFT).inputChains, [{ policy: 'accept', rules: [] }], "Debian's default: one empty accept chain");
  const cases: [string, string, number[], boolean, boolean][] = [
    ['tcp dport 22 accept', DROP_NFT('\t\ttcp dport 22 accept'), [22], true, true],
    ['tcp dport ssh accept', DROP_NFT('\t\ttcp dport ssh accept'), [22], true, true],
    ['a set with 22', DROP_NFT('\t\ttcp dport { 22, 80, 443 } accept'), [22], true, true],
    ['a range', DROP_NFT('\t\ttcp dport 2000-3000 accept'), [2222], true, true],
    ['web only', DROP_NFT('\t\ttcp dport @web accept # not ssh: dport 22 in a comment'), [22], true, false],
    ['sshd on 2222, rule for 22', DROP_NFT('\t\ttcp dport 22 accept'), [2222], true, false],
  ];
  for (const [name, text, ports, drops, names] of cases) {
    const chains = parseNftRuleset(text).inputChains;
    t.equal(chains.length, 1, `${name}: one input chain`);
    t.equal(nftDropsByDefault(chains[0]), drops, `${name}: drops by default`);
    t.equal(nftMentionsPort(chains[0].rules, ports), names, `${name}: names the SSH port`);
  }
  const reject = parseNftRuleset('table ip filter {\n chain INPUT {\n  type filter hook input priority 0;\n  tcp dport 80 accept\n  counter reject\n }\n}\n');
  t.equal(nftDropsByDefault(reject.inputChains[0]), true, 'a bare reject at the end drops by default');
  const flat = parseNftRuleset('add table inet fw\nadd chain inet fw in { type filter hook input priority 0; policy drop; }\n');
  t.same(flat.inputChains, [{ policy: 'drop', rules: [] }], 'the "add chain" form');
  t.same(
    parseNftRuleset('#!/usr/sbin/nft -f\n# include "/etc/nftables/main.nft"\ninclude "/etc/nftables/main.nft"\ninclude "/etc/nftables.d/*.nft"\n').includes,
    ['/etc/nftables/main.nft', '/etc/nftables.d/*.nft'],
    'includes, commented ones left out',
  );
  t.same(parseNftRuleset('include\n"/etc/x.nft"\n  include "/etc/y.nft" # z\n').includes, ['/etc/y.nft'], 'an include is one line');
  const oneLine = parseNftRuleset(
    'table inet f { chain a { type filter hook input priority 0; policy drop; } chain b { type filter hook input priority 1; tcp dport { 22 } accept; } }',
  );
  t.same(oneLine.inputChains, [{ policy: 'drop', rules: [] }, { policy: 'accept', rules: ['tcp dport { 22 } accept'] }], 'two chains on one line, in order');
  t.same(
    parseNftRuleset('chain a {\n type filter hook input priority 0; policy drop\nchain b {\n type filter hook input priority 0\n tcp dport 22 accept\n').inputChains,
    [{ policy: 'drop', rules: [] }, { policy: 'accept', rules: ['tcp dport 22 accept'] }],
    'an unclosed chain ends where the next one starts',
  );
  t.same(parseNftRuleset('chain a { type filter hook input priority 0; policy drop; } # x\r\n').inputChains, [{ policy: 'drop', rules: [] }], 'a comment before a CR');
});

const EL_IPTABLES = `# sample configuration for iptables service
# you can edit this manually or use system-config-firewall
# please do not ask us to add additional ports/services to this default configuration
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p icmp -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT
-A INPUT -j REJECT --reject-with icmp-host-prohibited
-A FORWARD -j REJECT --reject-with icmp-host-prohibited
COMMIT
`;
const RULES_V4 = (input: string, rules: string) => `# Generated by iptables-save v1.8.9 (nf_tables) on Mon Jan  6 10:00:00 2025
*nat
:PREROUTING ACCEPT [0:0]
:INPUT DROP [0:0]
-A PREROUTING -p tcp --dport 22 -j ACCEPT
COMMIT
*filter
:INPUT ${input} [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
${rules}COMMIT
# Completed on Mon Jan  6 10:00:00 2025
`;

t.test('iptables-save files', async (t) => {
  const cases: [string, string, number[], boolean, boolean, boolean][] = [
    ["EL's default", EL_IPTABLES, [22], true, true, true],
    ['policy DROP, 22 accepted', RULES_V4('DROP', '-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n'), [22], true, true, true],
    ['policy DROP, only web (multiport)', RULES_V4('DROP', '-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT\n'), [22], true, true, false],
    ['policy DROP, multiport with 22', RULES_V4('DROP', '-A INPUT -p tcp -m multiport --dports 22,80,443 -j ACCEPT\n'), [22], true, true, true],
    ['policy DROP, --dport ssh', RULES_V4('DROP', '-A INPUT -p tcp --dport ssh -j ACCEPT\n'), [22], true, true, true],
    ['a DROP rule for 22 does not accept it', RULES_V4('DROP', '-A INPUT -p tcp --dport 22 -j DROP\n'), [22], true, true, false],
    ['policy ACCEPT, one rule', RULES_V4('ACCEPT', '-A INPUT -s 192.0.2.0/24 -j DROP\n'), [22], true, false, false],
    ['empty filter table (the nat INPUT policy does not count)', RULES_V4('ACCEPT', ''), [22], false, false, false],
  ];
  for (const [name, text, ports, filters, drops, accepts] of cases) {
    const filter = parseIptablesSave(text);
    t.equal(iptablesFiltersInput(filter), filters, `${name}: filters input`);
    t.equal(iptablesDropsByDefault(filter), drops, `${name}: drops by default`);
    t.equal(iptablesAcceptsPort(filter, ports), accepts, `${name}: accepts SSH`);
  }
});

t.test('csf.conf', async (t) => {
  const conf = (testing: string, tcpIn: string) =>
    `###############################################################################\n# SECTION:Initial Settings\n###############################################################################\n# Testing flag - enables a CRON job that clears iptables incase of\n# configuration problems when you start csf. This should be enabled until you\n# are sure that the firewall works - i.e. incase you get locked out of your\n# server! Then do remember to set it to 0 and restart csf when you're sure\n# everything is OK. Stopping csf will remove the line from /etc/crontab\n#\n# lfd will not start while this is enabled\nTESTING = "${testing}"\n\n# The interval for the crontab in minutes. Since this uses the system clock the\n# CRON job will run at the interval past the hour and not from when you issue\n# the start command. Therefore an interval of 5 minutes means the firewall\n# will be cleared in 0-5 minutes from the firewall start\nTESTING_INTERVAL = "5"\n\n# Allow incoming TCP ports\nTCP_IN = "${tcpIn}"\n\n# Allow outgoing TCP ports\nTCP_OUT = "20,21,22,25,53,853,80,110,113,443,587,993,995"\n`;
  const cases: [string, string, boolean, number, boolean][] = [
    ['shipped default', conf('1', '20,21,22,25,53,853,80,110,143,443,465,587,993,995'), true, 22, true],
    ['live', conf('0', '20,21,22,25,53,853,80,110,143,443,465,587,993,995'), false, 22, true],
    ['22 removed', conf('0', '80,443'), false, 22, false],
    ['sshd on 2222 in a range', conf('0', '80,443,2000:3000'), false, 2222, true],
  ];
  for (const [name, text, testing, port, open] of cases) {
    const parsed = parseCsfConf(text);
    t.equal(parsed.testing, testing, `${name}: testing`);
    t.equal(portSpecIncludes(parsed.tcpIn, port), open, `${name}: TCP_IN opens ${port}`);
  }
});

t.test('ports, sshd ListenAddress and ufw\'s running state', async (t) => {
  const specs: [string, number, boolean][] = [
    ['22', 22, true],
    ['2222', 22, false],
    ['80, 443, 22', 22, true],
    ['6000:6100', 6050, true],
    ['6000-6100', 6101, false],
    ['ssh', 22, true],
    ['http', 80, false],
  ];
  for (const [spec, port, expected] of specs) t.equal(portSpecIncludes(spec, port), expected, `${spec} includes ${port}`);
  t.equal(describeTcpPorts([22, 2222]), '22/tcp, 2222/tcp');
  const addresses: [string, number | null][] = [
    ['0.0.0.0:2222', 2222],
    ['[::]:2222', 2222],
    ['0.0.0.0', null],
    ['::', null],
    ['fe80::1', null],
    ['host.example:99999', null],
  ];
  for (const [address, port] of addresses) t.equal(listenAddressPort(address), port, address);
  t.equal(ufwChainState(0), true, 'ufw-user-input loaded: active');
  t.equal(ufwChainState(1), false, 'no such chain: inactive');
  t.equal(ufwChainState(4), null, 'iptables failed (not root): unknown');
  t.equal(ufwChainState(null), null, 'killed: unknown');
});
