// findPrivateKeyBlocks: whole private key blocks (PEM, PKCS#8, OpenSSH) by shape and line, and
// nothing for certificates, public keys or text that only mentions the armour.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPrivateKeyBlocks } from '../../agent/facts/private-key-blocks.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pkcs8 = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const sec1 = ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const encryptedPkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'not-a-real-one' }).toString();
const encryptedPkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'not-a-real-one' }).toString();
const publicKey = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const certificate = `-----BEGIN CERTIFICATE-----\n${'QUJD'.repeat(16)}\n${'REVG'.repeat(10)}\n-----END CERTIFICATE-----\n`;

function openSshKey(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pkb-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', join(dir, 'key')]);
    return readFileSync(join(dir, 'key'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CASES: ReadonlyArray<[name: string, text: string, expected: { line: number; kind: string; encrypted: boolean }[]]> = [
  ['PKCS#8', pkcs8, [{ line: 1, kind: 'PKCS#8 ECDSA', encrypted: false }]],
  ['SEC1 (EC PRIVATE KEY)', sec1, [{ line: 1, kind: 'PEM ECDSA', encrypted: false }]],
  ['PKCS#1 RSA', pkcs1, [{ line: 1, kind: 'PEM RSA', encrypted: false }]],
  ['encrypted PKCS#8', encryptedPkcs8, [{ line: 1, kind: 'PKCS#8', encrypted: true }]],
  ['encrypted PKCS#1 (Proc-Type, DEK-Info headers)', encryptedPkcs1, [{ line: 1, kind: 'PEM RSA', encrypted: true }]],
  ['OpenSSH', openSshKey(), [{ line: 1, kind: 'OpenSSH ED25519', encrypted: false }]],
  ['a bundle: certificate, then the key', `${certificate}${certificate}${sec1}`, [{ line: 9, kind: 'PEM ECDSA', encrypted: false }]],
  ['two keys', `${pkcs8}\n${pkcs1}`, [{ line: 1, kind: 'PKCS#8 ECDSA', encrypted: false }, { line: pkcs8.split('\n').length + 1, kind: 'PEM RSA', encrypted: false }]],
  ['CRLF line ends', pkcs8.replace(/\n/g, '\r\n'), [{ line: 1, kind: 'PKCS#8 ECDSA', encrypted: false }]],
  ['a certificate', certificate, []],
  ['a public key', publicKey, []],
  ['source code naming the armour', 'HEADER = "-----BEGIN PRIVATE KEY-----"\nFOOTER = "-----END PRIVATE KEY-----"\n', []],
  ['documentation with an elided body', '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n', []],
  ['mismatched END', pkcs8.replace('END PRIVATE KEY', 'END RSA PRIVATE KEY'), []],
  ['empty', '', []],
];

for (const [name, text, expected] of CASES) {
  t.test(name, async (t) => t.same(findPrivateKeyBlocks(text), expected));
}
