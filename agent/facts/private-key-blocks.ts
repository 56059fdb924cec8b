// Private key blocks in a text (PEM, PKCS#8, OpenSSH armour), recognised by their whole shape:
// a BEGIN line, base64 lines, the matching END line. Source code or documentation that only
// mentions "-----BEGIN PRIVATE KEY-----" is not a key.
import { describePrivateKey } from './ssh-keys.js';

export interface PrivateKeyBlock {
  /** Line of the BEGIN armour (1-based). */
  line: number;
  /** As ssh-private-keys describes keys: "PEM RSA", "PKCS#8 ECDSA", "OpenSSH ED25519". */
  kind: string;
  encrypted: boolean;
}

// BEGIN, optional RFC 1421 headers (Proc-Type, DEK-Info) and a blank line, base64 lines, END with
// the same label. Lines may end in CRLF.
const BLOCK = /^-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----\r?\n(?:[A-Za-z-]+:[^\n]*\r?\n)*(?:\r?\n)?(?:[A-Za-z0-9+/=]{1,80}\r?\n)+-----END \1PRIVATE KEY-----/gm;

/** Every private key block of `text`, in order. */
export function findPrivateKeyBlocks(text: string): PrivateKeyBlock[] {
  if (!text.includes('PRIVATE KEY-----')) return [];
  const blocks: PrivateKeyBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const line = lineOf(text, match.index ?? 0);
    const description = describePrivateKey(match[0]);
    const kind = description ? `${description.format}${description.type !== 'unknown' ? ` ${description.type}` : ''}` : `${match[1]}private key`.trim();
    blocks.push({ line, kind, encrypted: description?.encrypted ?? /ENCRYPTED/.test(match[1]) });
  }
  return blocks;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
