// Credentials of cloud, registry and source-hosting services left by the build: a DigitalOcean token
// in doctl's config hands over the vendor's whole account to whoever gets the image. Found by where
// tools keep them and by the token formats the services publish; reported by kind, line and a short
// hash, never by value.
import { couldNotCheck, humanSize, problem } from '../agent/findings.js';
import { fixes } from '../agent/cleanup/actions.js';
import { at } from '../agent/fix-inputs.js';
import { defineCheck } from '../agent/check.js';
import { TOKEN_PATTERNS } from '../agent/facts/credential-patterns.js';
import { CREDENTIAL_STORES } from '../agent/facts/credential-stores.js';
import { KEYS_CHECKED_ELSEWHERE, PRUNED_NAMES, PRUNED_PATHS, PRUNED_SUFFIXES, SCAN_LIMITS, SCANNED_TREES, scanForCredentials, type CredentialFound, type CredentialScan } from '../agent/facts/credential-scan.js';
import type { Finding } from '../agent/types.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function describe(found: CredentialFound): string {
  const where = found.line === null ? '' : ` at line ${found.line}`;
  const more = found.count > 1 ? ` (${found.count - 1} more in the file)` : '';
  return `${found.kind}${where}, sha256 ${found.sha256}${more}`;
}

function findingOf(found: CredentialFound): Finding {
  if (found.type === 'token') return problem('fail', 'token', describe(found), found.path);
  return problem('fail', found.onlyCredentials ? 'credential-store' : 'store-secret', describe(found), found.path);
}

function notScanned(scan: CredentialScan): Finding[] {
  const findings: Finding[] = [];
  if (scan.overBudget.files > 0) {
    findings.push(
      problem(
        'warn',
        'not-scanned',
        `scan stopped at its limit of ${humanSize(SCAN_LIMITS.budgetBytes)}: ${plural(scan.overBudget.files, 'file')} (${humanSize(scan.overBudget.bytes)}) not scanned for credentials`,
      ),
    );
  }
  for (const path of scan.largeStores) findings.push(problem('warn', 'not-scanned', `credential store larger than ${humanSize(SCAN_LIMITS.fileBytes)}: not read`, path));
  return findings;
}

function summaryOf(scan: CredentialScan, credentials: number): string {
  const parts = [`${plural(scan.scanned.files, 'file')} (${humanSize(scan.scanned.bytes)}) scanned`];
  if (scan.binary.files > 0) parts.push(`${plural(scan.binary.files, 'binary file')} skipped`);
  if (scan.large.files > 0) parts.push(`${plural(scan.large.files, 'file')} over ${humanSize(SCAN_LIMITS.fileBytes)} skipped`);
  return credentials === 0 ? `no credentials found; ${parts.join(', ')}` : `${plural(credentials, 'credential')} found; ${parts.join(', ')}`;
}

const STORE_KINDS = [...new Set(CREDENTIAL_STORES.map((store) => store.kind))];
const TOKEN_KINDS = [...new Set(TOKEN_PATTERNS.map((pattern) => pattern.kind))];

export const credentials = defineCheck({
  id: 'credentials',
  title: 'No cloud, registry or source-hosting credentials',
  description: `Known credential stores (doctl, AWS, gcloud, Azure, Docker, git, .netrc, npm, PyPI, gh, kubeconfig, Terraform, Vault, s3cmd, rclone) and token formats (DigitalOcean, AWS, GitHub, GitLab, Slack, Stripe, private keys) in every home and in ${SCANNED_TREES.join(', ')}.`,
  explain: {
    looksAt: `In the home of every account (root, regular and system accounts, wherever the home is) its top-level files and the stores tools keep below it; every regular file of ${SCANNED_TREES.join(', ')}. Stores: ${STORE_KINDS.join('; ')}. Token formats in any text file: ${TOKEN_KINDS.join('; ')}. A finding names the file, the kind, the line and the first 8 hex digits of the value's SHA-256, never the value.`,
    why: 'A token in an image is given to every Droplet owner and everyone who gets a snapshot: a DigitalOcean API token opens the vendor\'s whole account, a registry login lets anyone push images under the vendor\'s name. The Marketplace rules ask for secrets to be set per Droplet at first boot.',
    manualFix: 'Log out of the tools before the snapshot (doctl auth remove, docker logout, gh auth logout, gcloud auth revoke), delete the files named, move secrets an application needs into a first-boot script (/var/lib/cloud/scripts/per-instance) that generates or asks for them, and revoke every token that has been in an image.',
    limits: `Only regular files are read (links are never followed) and only text files (a NUL in the first ${humanSize(SCAN_LIMITS.binaryProbe)} skips a file); files over ${humanSize(SCAN_LIMITS.fileBytes)} are skipped and counted, and a run reads at most ${humanSize(SCAN_LIMITS.budgetBytes)}: what is left is reported as not scanned. In homes only top-level files and known store paths are read (files deeper in a home, other than the stores, are not); shell and tool histories are left to shell-history. Trees of third-party code and packed data are not walked: directories named ${[...PRUNED_NAMES].join(', ')}, ${PRUNED_SUFFIXES.map((s) => `*${s}`).join(', ')}, and ${[...PRUNED_PATHS].join(', ')}. Private keys under ${KEYS_CHECKED_ELSEWHERE.join(', ')} are left to tls-keys (and ssh-host-keys), those in a .ssh directory to ssh-private-keys. Placeholders (empty values, \${VAR}, <...>, changeme, xxxx, AWS's documented example keys, made-up repeating values) are not findings. Only whole stores are removed by cleanup (doctl config, AWS credentials, gcloud and Azure token files, a docker config holding only logins, .git-credentials, a .netrc of logins only, an .npmrc of auth lines only, gh hosts.yml, credentials.tfrc.json, .vault-token); a secret in any other file is the vendor's to remove.`,
  },
  remedy: 'log out of the tools, delete the credential files named above, move application secrets to a first-boot script, and revoke every token that was in the image',
  severity: 'fail',
  codes: {
    // A file that is nothing but a tool's stored login: removing it logs the tool out.
    'credential-store': (f) => [fixes.removeFile(at(f))],
    // A tool's config that holds other settings too (a kubeconfig, an .npmrc with a registry): the vendor edits it.
    'store-secret': null,
    // A token in an application's own file or a script: never edited or removed.
    token: null,
    'not-scanned': null,
  },
  async run(host) {
    const scan = await scanForCredentials(host);
    const findings: Finding[] = [
      ...scan.found.map(findingOf),
      ...notScanned(scan),
      ...scan.unreadable.map(({ path, error }) => couldNotCheck(error, path)),
    ];
    return { summary: summaryOf(scan, scan.found.length), findings };
  },
});
