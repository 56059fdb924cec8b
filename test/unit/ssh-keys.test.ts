// Public and private SSH keys described the way `ssh-keygen -lf` does. Keys are generated fresh
// with ssh-keygen and node:crypto in a temp dir; ssh-keygen's own output is the expectation.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePrivateKey, describePublicBlob, fingerprint, isKnownKeyType, parseAuthorizedKeys } from '../../agent/facts/ssh-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'ssh-keys-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function keygen(name: string, args: string[]): { priv: string; pub: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-C', `${name}@test`, '-f', path, ...args]);
  return { priv: readFileSync(path, 'utf8'), pub: readFileSync(`${path}.pub`, 'utf8').trim() };
}

/** What ssh-keygen -lf says: bits, fingerprint, type. */
function keygenList(text: string): { bits: number; fingerprint: string; type: string } {
  const file = join(dir, `list-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text + '\n');
  const out = execFileSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8' }).trim();
  const match = /^(\d+) (SHA256:\S+) .*\((\S+)\)$/.exec(out);
  if (!match) throw new Error(`unexpected ssh-keygen output: ${out}`);
  return { bits: Number(match[1]), fingerprint: match[2], type: match[3] };
}

const KEYS = {
  ed25519: keygen('ed25519', ['-t', 'ed25519', '-N', '']),
  rsa2048: keygen('rsa2048', ['-t', 'rsa', '-b', '2048', '-N', '']),
  rsa3072: keygen('rsa3072', ['-t', 'rsa', '-b', '3072', '-N', '']),
  ecdsa256: keygen('ecdsa256', ['-t', 'ecdsa', '-b', '256', '-N', '']),
  ecdsa384: keygen('ecdsa384', ['-t', 'ecdsa', '-b', '384', '-N', '']),
  ecdsa521: keygen('ecdsa521', ['-t', 'ecdsa', '-b', '521', '-N', '']),
  dsa: keygen('dsa', ['-t', 'dsa', '-N', '']),
  encrypted: keygen('encrypted', ['-t', 'ed25519', '-N', 'secretpass']),
  encryptedRsa: keygen('encrypted-rsa', ['-t', 'rsa', '-b', '2048', '-N', 'secretpass']),
  pemRsa: keygen('pem-rsa', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '']),
  pemRsaEncrypted: keygen('pem-rsa-enc', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'secretpass']),
  pemEcdsa: keygen('pem-ecdsa', ['-t', 'ecdsa', '-m', 'PEM', '-N', '']),
  pemDsa: keygen('pem-dsa', ['-t', 'dsa', '-m', 'PEM', '-N', '']),
};

// Certificates signed by a throwaway CA.
keygen('ca', ['-t', 'ed25519', '-N', '']);
function certify(name: string): string {
  execFileSync('ssh-keygen', ['-q', '-s', join(dir, 'ca'), '-I', 'test-cert', '-n', 'root', join(dir, `${name}.pub`)]);
  return readFileSync(join(dir, `${name}-cert.pub`), 'utf8').trim();
}
const CERTS = { ed25519: certify('ed25519'), rsa3072: certify('rsa3072'), ecdsa384: certify('ecdsa384'), dsa: certify('dsa') };

// Security-key public keys: no hardware needed to build their public blobs.
function sshString(data: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
const skEd25519Blob = Buffer.concat([sshString('sk-ssh-ed25519@openssh.com'), sshString(Buffer.alloc(32, 7)), sshString('ssh:')]);
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
const point = Buffer.concat([Buffer.from([4]), Buffer.from(p256.x as string, 'base64url'), Buffer.from(p256.y as string, 'base64url')]);
const skEcdsaBlob = Buffer.concat([sshString('sk-ecdsa-sha2-nistp256@openssh.com'), sshString('nistp256'), sshString(point), sshString('ssh:')]);
const SK = {
  ed25519: `sk-ssh-ed25519@openssh.com ${skEd25519Blob.toString('base64')} sk@test`,
  ecdsa: `sk-ecdsa-sha2-nistp256@openssh.com ${skEcdsaBlob.toString('base64')} sk@test`,
};

const PUBLIC_LINES: ReadonlyArray<{ title: string; line: string }> = [
  { title: 'ed25519', line: KEYS.ed25519.pub },
  { title: 'rsa 2048', line: KEYS.rsa2048.pub },
  { title: 'rsa 3072', line: KEYS.rsa3072.pub },
  { title: 'ecdsa 256', line: KEYS.ecdsa256.pub },
  { title: 'ecdsa 384', line: KEYS.ecdsa384.pub },
  { title: 'ecdsa 521', line: KEYS.ecdsa521.pub },
  { title: 'dsa', line: KEYS.dsa.pub },
  { title: 'ed25519-sk', line: SK.ed25519 },
  { title: 'ecdsa-sk', line: SK.ecdsa },
  { title: 'options from= and no-pty', line: `from="1.2.3.4",no-pty ${KEYS.ed25519.pub}` },
  { title: 'command="echo a b" with spaces', line: `command="echo a b",no-port-forwarding ${KEYS.rsa3072.pub}` },
  { title: 'no comment', line: KEYS.ecdsa256.pub.split(' ').slice(0, 2).join(' ') },
  { title: 'comment with spaces', line: `${KEYS.ed25519.pub} and more words` },
  { title: 'leading whitespace', line: `   ${KEYS.ed25519.pub}` },
  // ssh-keygen -l describes a certificate by the key it certifies (the nonce comes first in the blob).
  { title: 'ed25519 certificate', line: CERTS.ed25519 },
  { title: 'ecdsa 384 certificate', line: CERTS.ecdsa384 },
  { title: 'rsa 3072 certificate', line: CERTS.rsa3072 },
  { title: 'dsa certificate', line: CERTS.dsa },
  { title: 'certificate with options', line: `from="10.0.0.0/8" ${CERTS.rsa3072}` },
  { title: 'a command option that mentions a key type', line: `command="echo ssh-rsa AAAA" ${KEYS.ed25519.pub}` },
  { title: 'a command option with an escaped quote', line: `command="echo \\"a b\\" ssh-rsa",no-pty ${KEYS.ecdsa384.pub}` },
];

for (const c of PUBLIC_LINES) {
  t.test(`authorized_keys line: ${c.title}`, async (t) => {
    const expected = keygenList(c.line);
    const [parsed, ...rest] = parseAuthorizedKeys(c.line + '\n');
    t.same(rest, [], 'one line');
    t.equal(parsed?.kind, 'key', 'parsed as a key');
    if (parsed?.kind !== 'key') return;
    t.equal(parsed.line, 1);
    t.equal(parsed.hasOptions, /^\s*(from|command)=/.test(c.line), 'hasOptions');
    t.equal(parsed.key.type, expected.type, 'type as ssh-keygen prints it');
    t.equal(parsed.key.bits, expected.bits, 'bits as ssh-keygen prints them');
    t.equal(parsed.key.fingerprint, expected.fingerprint, 'fingerprint as ssh-keygen prints it');
  });
}

t.test('authorized_keys: line numbers, comments, blanks and unparsable lines', async (t) => {
  const content = [
    '# comment', // 1
    '', // 2
    KEYS.ed25519.pub, // 3
    'garbage line', // 4
    'ssh-rsa not-base64!! comment', // 5
    'ssh-ed25519', // 6
    `  # indented comment`, // 7
    'ssh-foo AAAAC3NzaC1lZDI1NTE5AAAAIA== x', // 8: unknown type word
    'ssh-ed25519 AAAA', // 9: blob too short to hold a type
    `${KEYS.rsa2048.pub}`, // 10
    '\t', // 11
  ].join('\n');
  const lines = parseAuthorizedKeys(content);
  t.same(
    lines.map((l) => [l.line, l.kind]),
    [
      [3, 'key'],
      [4, 'unparsable'],
      [5, 'unparsable'],
      [6, 'unparsable'],
      [8, 'unparsable'],
      [9, 'unparsable'],
      [10, 'key'],
    ],
  );
  t.notOk(JSON.stringify(lines).includes(KEYS.ed25519.pub.split(' ')[1]), 'the result never carries key material');
});

t.test('the type inside the blob is the one that counts', async (t) => {
  const [, blob] = KEYS.ed25519.pub.split(' ');
  const [parsed] = parseAuthorizedKeys(`ssh-rsa ${blob} lying-about-type`);
  t.equal(parsed.kind, 'key');
  if (parsed.kind === 'key') t.equal(parsed.key.type, 'ED25519');
});

t.test('describePublicBlob and fingerprint', async (t) => {
  const blob = Buffer.from(KEYS.ecdsa521.pub.split(' ')[1], 'base64');
  const expected = keygenList(KEYS.ecdsa521.pub);
  t.same(describePublicBlob(blob), { type: 'ECDSA', bits: 521, fingerprint: expected.fingerprint });
  t.equal(fingerprint(blob), expected.fingerprint);
  t.equal(describePublicBlob(Buffer.alloc(0)), null);
  t.equal(describePublicBlob(sshString('bad type with spaces')), null);
  t.same(describePublicBlob(sshString('ssh-unknown@x.org'))?.type, 'ssh-unknown@x.org', 'an unknown type is named raw');
});

const KNOWN: ReadonlyArray<[string, boolean]> = [
  ['ssh-ed25519', true],
  ['ssh-rsa-cert-v01@openssh.com', true],
  ['sk-ecdsa-sha2-nistp256@openssh.com', true],
  ['ecdsa-sha2-nistp521', true],
  ['ssh-foo', false],
  ['ssh-ed25519-cert', false],
  ['', false],
];
for (const [word, known] of KNOWN) t.test(`isKnownKeyType(${JSON.stringify(word)})`, async (t) => t.equal(isKnownKeyType(word), known));

// ---- Private keys ----

const rsaPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecPair = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const edPair = generateKeyPairSync('ed25519');
const pem = (key: typeof rsaPair.privateKey, type: 'pkcs8' | 'pkcs1' | 'sec1', encrypt = false) =>
  key.export(encrypt ? { type, format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secretpass' } : { type, format: 'pem' }) as string;

const PUTTY = [
  'PuTTY-User-Key-File-3: ssh-ed25519',
  'Encryption: none',
  'Comment: eddsa-key-20240101',
  'Public-Lines: 2',
  'AAAAC3NzaC1lZDI1NTE5AAAAIBxTrJWDxp4V9Ny6BqnSJxTkVafV2fv0cUSmrgOe',
  'QlHP',
  'Private-Lines: 1',
  'AAAAIGlY3MvqBsKvIkP7HqZQZoBnbEpc6Et1TnUVPHxtNQ3C',
  'Private-MAC: 0000000000000000000000000000000000000000000000000000000000000000',
  '',
].join('\n');

interface PrivateCase {
  title: string;
  content: string;
  expect: Record<string, unknown> | null;
  /** The public half: type, bits and fingerprint must then match ssh-keygen -lf on it. */
  pub?: string;
}

const PRIVATE: PrivateCase[] = [
  { title: 'OpenSSH ed25519', content: KEYS.ed25519.priv, expect: { format: 'OpenSSH', encrypted: false }, pub: KEYS.ed25519.pub },
  { title: 'OpenSSH rsa 2048', content: KEYS.rsa2048.priv, expect: { format: 'OpenSSH', encrypted: false }, pub: KEYS.rsa2048.pub },
  { title: 'OpenSSH rsa 3072', content: KEYS.rsa3072.priv, expect: { format: 'OpenSSH', encrypted: false }, pub: KEYS.rsa3072.pub },
  { title: 'OpenSSH ecdsa 256', content: KEYS.ecdsa256.priv, expect: { format: 'OpenSSH', encrypted: false }, pub: KEYS.ecdsa256.pub },
  { title: 'OpenSSH ecdsa 384', content: KEYS.ecdsa384.priv, expect: { format: 'OpenSSH', encrypted: false }, pub: KEYS.ecdsa384.pub },
  { title: 'OpenSSH ecdsa 521', content: KEYS.ecdsa521.priv, expect: { format: 'OpenSSH', encrypted: false }, pub: KEYS.ecdsa521.pub },
  { title: 'OpenSSH dsa', content: KEYS.dsa.priv, expect: { format: 'OpenSSH', encrypted: false }, pub: KEYS.dsa.pub },
  { title: 'OpenSSH ed25519 encrypted (-N secretpass)', content: KEYS.encrypted.priv, expect: { format: 'OpenSSH', encrypted: true }, pub: KEYS.encrypted.pub },
  { title: 'OpenSSH rsa encrypted', content: KEYS.encryptedRsa.priv, expect: { format: 'OpenSSH', encrypted: true }, pub: KEYS.encryptedRsa.pub },
  { title: 'OpenSSH with CRLF line ends', content: KEYS.ed25519.priv.replace(/\n/g, '\r\n'), expect: { format: 'OpenSSH', encrypted: false }, pub: KEYS.ed25519.pub },
  { title: 'OpenSSH after leading text', content: `some note\n${KEYS.ed25519.priv}`, expect: { format: 'OpenSSH', encrypted: false }, pub: KEYS.ed25519.pub },
  {
    title: 'OpenSSH with a corrupted body',
    content: '-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n',
    expect: { format: 'OpenSSH', type: 'unknown', encrypted: false },
  },
  { title: 'PEM rsa (ssh-keygen -m PEM)', content: KEYS.pemRsa.priv, expect: { format: 'PEM', type: 'RSA', encrypted: false } },
  { title: 'PEM rsa encrypted (Proc-Type)', content: KEYS.pemRsaEncrypted.priv, expect: { format: 'PEM', type: 'RSA', encrypted: true } },
  { title: 'PEM ecdsa (ssh-keygen -m PEM)', content: KEYS.pemEcdsa.priv, expect: { format: 'PEM', type: 'ECDSA', encrypted: false } },
  { title: 'PEM dsa (ssh-keygen -m PEM)', content: KEYS.pemDsa.priv, expect: { format: 'PEM', type: 'DSA', encrypted: false } },
  { title: 'PKCS#1 rsa from node', content: pem(rsaPair.privateKey, 'pkcs1'), expect: { format: 'PEM', type: 'RSA', encrypted: false } },
  { title: 'PKCS#1 rsa from node, encrypted', content: pem(rsaPair.privateKey, 'pkcs1', true), expect: { format: 'PEM', type: 'RSA', encrypted: true } },
  { title: 'SEC1 ec from node', content: pem(ecPair.privateKey, 'sec1'), expect: { format: 'PEM', type: 'ECDSA', encrypted: false } },
  { title: 'PKCS#8 rsa', content: pem(rsaPair.privateKey, 'pkcs8'), expect: { format: 'PKCS#8', type: 'RSA', bits: 2048, encrypted: false } },
  { title: 'PKCS#8 ec', content: pem(ecPair.privateKey, 'pkcs8'), expect: { format: 'PKCS#8', type: 'ECDSA', bits: undefined, encrypted: false } },
  { title: 'PKCS#8 ed25519', content: pem(edPair.privateKey, 'pkcs8'), expect: { format: 'PKCS#8', type: 'ED25519', bits: undefined, encrypted: false } },
  { title: 'PKCS#8 encrypted', content: pem(rsaPair.privateKey, 'pkcs8', true), expect: { format: 'PKCS#8', type: 'unknown', encrypted: true } },
  {
    title: 'PKCS#8 armour with a broken body',
    content: '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n',
    expect: { format: 'PKCS#8', type: 'unknown', encrypted: false },
  },
  { title: 'PuTTY v3 ed25519, unencrypted', content: PUTTY, expect: { format: 'PuTTY', type: 'ED25519', encrypted: false } },
  {
    title: 'PuTTY v2 rsa, encrypted',
    content: PUTTY.replace('PuTTY-User-Key-File-3: ssh-ed25519', 'PuTTY-User-Key-File-2: ssh-rsa').replace('Encryption: none', 'Encryption: aes256-cbc'),
    expect: { format: 'PuTTY', type: 'RSA', encrypted: true },
  },
  {
    title: 'SSH.com (Tectia)',
    content: '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: "x"\nP2/56wAAAi4AAAA3aWYtbW9kbntzaWdue3JzYS1wa2NzMS1zaGExfSxlbmNyeXB0e3JzYS\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n',
    expect: { format: 'SSH.com', type: 'unknown', encrypted: true },
  },
  // Not private keys.
  { title: 'an OpenSSH public key', content: KEYS.ed25519.pub + '\n', expect: null },
  { title: 'a PEM public key', content: rsaPair.publicKey.export({ type: 'spki', format: 'pem' }) as string, expect: null },
  { title: 'an RSA PUBLIC KEY', content: rsaPair.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string, expect: null },
  { title: 'a certificate', content: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', expect: null },
  { title: 'empty', content: '', expect: null },
  { title: 'plain text', content: 'hello\nworld\n', expect: null },
];

for (const c of PRIVATE) {
  t.test(`private key: ${c.title}`, async (t) => {
    const described = describePrivateKey(c.content);
    if (c.expect === null) {
      t.equal(described, null);
      return;
    }
    t.match(described, c.expect);
    for (const [key, value] of Object.entries(c.expect)) t.equal((described as unknown as Record<string, unknown>)?.[key], value, key);
    if (c.pub) {
      const expected = keygenList(c.pub);
      t.equal(described?.type, expected.type, 'type as ssh-keygen');
      t.equal(described?.bits, expected.bits, 'bits as ssh-keygen');
      t.equal(described?.fingerprint, expected.fingerprint, 'fingerprint as ssh-keygen');
    }
    t.notOk(JSON.stringify(described).includes('secretpass'));
  });
}
