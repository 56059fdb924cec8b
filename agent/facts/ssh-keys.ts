// Recognises SSH public and private keys and describes them the way `ssh-keygen -lf` does
// (bits, SHA256 fingerprint, type), so a report can name a key without ever showing it.
import { createHash, createPrivateKey } from 'node:crypto';

export interface KeyDescription {
  /** As ssh-keygen prints it: RSA, ED25519, ECDSA, DSA, ED25519-SK, ECDSA-SK, or the raw type. */
  type: string;
  bits?: number;
  /** "SHA256:..." of the public key blob, base64 without padding. */
  fingerprint?: string;
}

const PUBLIC_KEY_TYPES: Record<string, string> = {
  'ssh-rsa': 'RSA',
  'ssh-dss': 'DSA',
  'ssh-ed25519': 'ED25519',
  'ecdsa-sha2-nistp256': 'ECDSA',
  'ecdsa-sha2-nistp384': 'ECDSA',
  'ecdsa-sha2-nistp521': 'ECDSA',
  'sk-ssh-ed25519@openssh.com': 'ED25519-SK',
  'sk-ecdsa-sha2-nistp256@openssh.com': 'ECDSA-SK',
  'ssh-ed448': 'ED448',
};

// The wire strings after the type name in a plain key blob (a certificate carries the same after
// its nonce): rsa e, n; dss p, q, g, y; ecdsa curve, Q; ed25519 pk; sk-* add the application.
const KEY_FIELDS: Record<string, number> = {
  'ssh-rsa': 2,
  'ssh-dss': 4,
  'ssh-ed25519': 1,
  'ecdsa-sha2-nistp256': 2,
  'ecdsa-sha2-nistp384': 2,
  'ecdsa-sha2-nistp521': 2,
  'sk-ssh-ed25519@openssh.com': 2,
  'sk-ecdsa-sha2-nistp256@openssh.com': 3,
  'ssh-ed448': 1,
};

/** The key type a certificate certifies (ssh-rsa for ssh-rsa-cert-v01@openssh.com), or the type itself. */
function plainKeyType(keyType: string): string {
  const plain = keyType.replace(/-cert-v01@openssh\.com$/, '');
  // Security-key types keep their suffix: sk-ssh-ed25519-cert-v01@openssh.com certifies sk-ssh-ed25519@openssh.com.
  return plain !== keyType && plain.startsWith('sk-') ? `${plain}@openssh.com` : plain;
}

function typeName(keyType: string): string {
  const plain = plainKeyType(keyType);
  const name = PUBLIC_KEY_TYPES[plain] ?? plain;
  return plain === keyType ? name : `${name}-CERT`;
}

export function isKnownKeyType(word: string): boolean {
  return plainKeyType(word) in PUBLIC_KEY_TYPES;
}

function sshString(data: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** Reads the SSH wire strings (uint32 length + bytes) of a public key blob. */
function readStrings(blob: Buffer, count: number): Buffer[] {
  const strings: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < count && offset + 4 <= blob.length; i++) {
    const length = blob.readUInt32BE(offset);
    if (offset + 4 + length > blob.length) break;
    strings.push(blob.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return strings;
}

function bitsOf(blob: Buffer, keyType: string): number | undefined {
  if (keyType.startsWith('ssh-rsa')) {
    const modulus = readStrings(blob, 3)[2];
    if (!modulus) return undefined;
    let start = 0;
    while (start < modulus.length && modulus[start] === 0) start++;
    if (start === modulus.length) return 0;
    return (modulus.length - start) * 8 - Math.clz32(modulus[start]) + 24;
  }
  if (keyType.startsWith('ssh-dss')) {
    const p = readStrings(blob, 2)[1];
    return p ? (p.length - (p[0] === 0 ? 1 : 0)) * 8 : undefined;
  }
  const curve = /nistp(\d+)/.exec(keyType);
  if (curve) return Number(curve[1]);
  if (keyType.includes('ed25519')) return 256;
  if (keyType.includes('ed448')) return 456;
  return undefined;
}

export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Rebuilds the plain key blob a certificate certifies: the plain type, then the key fields after the nonce. */
function certifiedKey(cert: Buffer, plainType: string): Buffer | null {
  const count = KEY_FIELDS[plainType];
  const fields = readStrings(cert, 2 + count).slice(2);
  return fields.length === count ? Buffer.concat([sshString(plainType), ...fields.map(sshString)]) : null;
}

/** Describes a public key from its wire blob; the type inside the blob is the one that counts. */
export function describePublicBlob(blob: Buffer): KeyDescription | null {
  const keyType = readStrings(blob, 1)[0]?.toString('latin1');
  if (!keyType || !/^[\w@.-]+$/.test(keyType)) return null;
  const plain = plainKeyType(keyType);
  // ssh-keygen -l describes a certificate by the key it certifies (a truncated one is no key).
  const keyBlob = plain !== keyType && plain in KEY_FIELDS ? certifiedKey(blob, plain) : blob;
  if (!keyBlob) return null;
  return { type: typeName(keyType), bits: bitsOf(keyBlob, plain), fingerprint: fingerprint(keyBlob) };
}

export type AuthorizedKeysLine =
  | { line: number; kind: 'key'; key: KeyDescription; hasOptions: boolean }
  | { line: number; kind: 'unparsable' };

/** A key at the start of text: keytype base64 [comment]. */
function keyAt(text: string): KeyDescription | null {
  const [keyType, encoded] = text.split(/\s+/);
  if (!isKnownKeyType(keyType) || !encoded || !/^[A-Za-z0-9+/]+=*$/.test(encoded)) return null;
  return describePublicBlob(Buffer.from(encoded, 'base64'));
}

/** The text after the options field, skipped as sshd does: a blank inside "..." does not end it, nor does \" end the quote. */
function afterOptions(text: string): string {
  let quoted = false;
  let i = 0;
  for (; i < text.length && (quoted || (text[i] !== ' ' && text[i] !== '\t')); i++) {
    if (text[i] === '\\' && text[i + 1] === '"') i++;
    else if (text[i] === '"') quoted = !quoted;
  }
  return text.slice(i).trimStart();
}

/**
 * Parses authorized_keys(5): each non-comment line is [options] keytype base64 [comment].
 * Lines that are not comments but hold no recognisable key are reported too: sshd ignores them,
 * but a reviewer would still see them.
 */
/** One line of an authorized_keys file; null for a blank line or a comment. */
export function parseAuthorizedKeysLine(raw: string, line: number): AuthorizedKeysLine | null {
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return null;
  // As sshd: a key at the start, or else one options field and then the key (never a key type
  // word inside command="...").
  const plain = keyAt(text);
  const key = plain ?? keyAt(afterOptions(text));
  return key ? { line, kind: 'key', key, hasOptions: !plain } : { line, kind: 'unparsable' };
}

export function parseAuthorizedKeys(content: string): AuthorizedKeysLine[] {
  return content.split('\n').flatMap((raw, index) => parseAuthorizedKeysLine(raw, index + 1) ?? []);
}

export interface PrivateKeyDescription extends KeyDescription {
  format: string;
  encrypted: boolean;
}

// PEM armour lines that only private keys carry, with what they say about the key.
const PRIVATE_KEY_ARMOUR: ReadonlyArray<[string, string, string]> = [
  ['-----BEGIN OPENSSH PRIVATE KEY-----', 'OpenSSH', ''],
  ['-----BEGIN RSA PRIVATE KEY-----', 'PEM', 'RSA'],
  ['-----BEGIN DSA PRIVATE KEY-----', 'PEM', 'DSA'],
  ['-----BEGIN EC PRIVATE KEY-----', 'PEM', 'ECDSA'],
  ['-----BEGIN ENCRYPTED PRIVATE KEY-----', 'PKCS#8', ''],
  ['-----BEGIN PRIVATE KEY-----', 'PKCS#8', ''],
  ['---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----', 'SSH.com', ''],
];

/** The openssh-key-v1 container keeps the public key and cipher name in clear: read them. */
function describeOpenSshKey(content: string): PrivateKeyDescription {
  const body = content.split('-----BEGIN OPENSSH PRIVATE KEY-----')[1]?.split('-----END')[0] ?? '';
  const raw = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  const base = { format: 'OpenSSH', type: 'unknown', encrypted: false };
  if (raw.subarray(0, magic.length).toString('latin1') !== magic) return base;
  // cipher, kdf name, kdf options, then uint32 number of keys, then the first public key.
  const header = raw.subarray(magic.length);
  const [cipher, kdfName, kdfOptions] = readStrings(header, 3);
  if (!cipher || !kdfName || !kdfOptions) return base;
  const afterKdf = 4 + cipher.length + 4 + kdfName.length + 4 + kdfOptions.length;
  const publicBlob = readStrings(header.subarray(afterKdf + 4), 1)[0];
  const encrypted = cipher.toString('latin1') !== 'none';
  const described = publicBlob ? describePublicBlob(publicBlob) : null;
  return { ...base, ...(described ?? {}), encrypted };
}

function describePuttyKey(firstLine: string, content: string): PrivateKeyDescription {
  const keyType = firstLine.split(':')[1]?.trim() ?? 'unknown';
  const encryption = /^Encryption:\s*(\S+)/m.exec(content)?.[1] ?? 'none';
  return { format: 'PuTTY', type: typeName(keyType), encrypted: encryption !== 'none' };
}

const PKCS8_TYPES: Record<string, string> = { rsa: 'RSA', 'rsa-pss': 'RSA', dsa: 'DSA', ec: 'ECDSA', ed25519: 'ED25519', ed448: 'ED448' };

/** An unencrypted PKCS#8 key names its algorithm inside the DER: let node read it. */
function describePkcs8(content: string): KeyDescription {
  try {
    const key = createPrivateKey(content);
    const details = key.asymmetricKeyDetails;
    const type = PKCS8_TYPES[key.asymmetricKeyType ?? ''] ?? 'unknown';
    return { type, bits: details?.modulusLength };
  } catch {
    return { type: 'unknown' };
  }
}

/** Recognises a private key by its content (any file name), or returns null. */
export function describePrivateKey(content: string): PrivateKeyDescription | null {
  const firstLine = content.trimStart().split('\n')[0].trim();
  if (/^PuTTY-User-Key-File-\d+:/.test(firstLine)) return describePuttyKey(firstLine, content);
  const armour = PRIVATE_KEY_ARMOUR.find(([begin]) => content.includes(begin));
  if (!armour) return null;
  const [, format, type] = armour;
  if (format === 'OpenSSH') return describeOpenSshKey(content);
  const encrypted = /ENCRYPTED/.test(armour[0]) || /^Proc-Type:.*ENCRYPTED/m.test(content);
  if (format === 'PKCS#8' && !encrypted) return { format, encrypted, ...describePkcs8(content) };
  return { format, type: type || 'unknown', encrypted };
}
