// No account of the image may carry a password hash or, worse, an empty password: every Droplet
// made from it would share them. Hashes are never shown, only whose they are and where.
import { classifyPasswordField, isPersonAccount, readAccounts, readShadowFile, type PasswdEntry } from '../agent/facts/accounts.js';
import { couldNotCheck, problem } from '../agent/findings.js';
import type { Host } from '../agent/host.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at, subjectOf } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import type { Finding } from '../agent/types.js';
import { append } from '../agent/append.js';

const SHADOW = '/etc/shadow';
// Left by an edit that was killed before its rename (see agent/cleanup/account-edit.ts).
const STALE_TEMP = /^\.(passwd|shadow|gshadow|group)-?\.agent-\d+$/;
// Backups written by passwd, useradd and vipw keep the hashes of the previous version.
const BACKUPS = ['/etc/shadow-', '/etc/gshadow-'];

const lock = (f: Finding) => [fixes.lockAccount(at(f), subjectOf(f))];

function accountFinding(entry: PasswdEntry, field: string, file: string, person: boolean): Finding | null {
  const who = entry.name === 'root' ? 'root' : `account ${entry.name} (uid ${entry.uid})`;
  switch (classifyPasswordField(field)) {
    case 'empty':
      return problem('fail', 'empty-password', `${who} has an EMPTY password: anyone can log in without one`, file, entry.name);
    case 'hash':
      return person
        ? problem('fail', 'password-hash', `${who} has a password hash`, file, entry.name)
        : problem('warn', 'system-password-hash', `system ${who} has a password hash`, file, entry.name);
    case 'locked-with-hash':
      return problem('warn', 'locked-hash', `${who} is locked but its password hash still ships in the image`, file, entry.name);
    default:
      return null;
  }
}

async function backupFindings(host: Host, path: string): Promise<Finding[]> {
  const entries = await readShadowFile(host, path);
  if (!entries) return [];
  const withHash = [...entries.values()].filter((entry) => ['hash', 'locked-with-hash'].includes(classifyPasswordField(entry.passwordField)));
  return withHash.map((entry) => problem('fail', 'backup-hash', `a password hash of ${entry.name} remains in the backup file`, path, entry.name));
}

export const passwords = defineCheck({
  id: 'passwords',
  title: 'No passwords',
  description: 'root and regular accounts have no password hash and no empty password; backups of the shadow files hold no hashes.',
  explain: {
    looksAt: '/etc/passwd, /etc/shadow, /etc/shadow- and /etc/gshadow-, and UID_MIN in /etc/login.defs (default 1000) to tell regular accounts from system ones.',
    why: 'A password hash in an image is shared by every Droplet made from it and can be cracked offline; an empty password lets anyone log in. The Marketplace review rejects both.',
    manualFix: 'passwd -d NAME && passwd -l NAME for each account named (this leaves it locked without a hash), then remove /etc/shadow- and /etc/gshadow- or re-create them from the cleaned files.',
    limits: 'System accounts (uid below UID_MIN) with a hash only warn; "nobody" is not checked.',
  },
  remedy: 'remove the hashes and lock the accounts: passwd -d NAME && passwd -l NAME',
  severity: 'fail',
  codes: {
    // Every field that holds a hash or is empty becomes "!": locked, without a hash.
    'empty-password': lock,
    'password-hash': lock,
    'system-password-hash': lock,
    'locked-hash': lock,
    'backup-hash': lock,
    'passwd-field': null,
    // Removing an account may break what runs under it: the vendor decides.
    'extra-uid0': null,
    'stale-temp': (f) => [fixes.removeFile(at(f))],
  },
  async run(host) {
    const { passwd, uidMin } = await readAccounts(host);
    const findings: Finding[] = [];
    let shadow;
    try {
      shadow = await readShadowFile(host, SHADOW);
    } catch (err) {
      findings.push(couldNotCheck(err));
    }
    for (const entry of passwd) {
      const person = isPersonAccount(entry, uidMin);
      if (entry.passwordField !== 'x') {
        // A field other than "x" in /etc/passwd: the password lives there, or is empty.
        const found = accountFinding(entry, entry.passwordField, '/etc/passwd', true);
        findings.push(found ?? problem('warn', 'passwd-field', `account ${entry.name} has a password field other than 'x' in /etc/passwd`, '/etc/passwd'));
        continue;
      }
      const shadowEntry = shadow?.get(entry.name);
      if (!shadowEntry) continue;
      const found = accountFinding(entry, shadowEntry.passwordField, SHADOW, person);
      if (found) findings.push(found);
    }
    for (const backup of BACKUPS) {
      try {
        append(findings, await backupFindings(host, backup));
      } catch (err) {
        findings.push(couldNotCheck(err));
      }
    }
    // Another account with uid 0 is root under a second name (and a second password to guess).
    for (const entry of passwd.filter((e) => e.uid === 0 && e.name !== 'root')) {
      findings.push(problem('fail', 'extra-uid0', `account ${entry.name} has uid 0: it is root under another name`, '/etc/passwd'));
    }
    for (const name of ((await host.list('/etc')) ?? []).filter((n) => STALE_TEMP.test(n))) {
      findings.push(problem('fail', 'stale-temp', 'copy of an accounts file left by an interrupted edit', `/etc/${name}`));
    }
    return { findings };
  },
});
