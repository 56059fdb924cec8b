// Parsers of the files where applications keep secrets made at build time (.env, MySQL option
// files, .pgpass, wp-config.php, DigitalOcean's /root/.digitalocean_password). They return where
// a real secret is (line numbers), never the value: a report only ever names the line.

/** A secret value found in a file: its line (1-based); the value itself is never kept. */
export interface SecretLine {
  line: number;
}

// Values that stand for "fill this in", as documentation, samples and installers write them.
const PLACEHOLDER_WORDS = new Set([
  'changeme', 'change-me', 'change_me', 'changethis', 'change-this', 'change_this', 'changeit', 'change-it', 'change_it',
  'secret', 'password', 'passwd', 'pass', 'token', 'key', 'salt', 'example', 'sample', 'placeholder', 'default', 'dummy',
  'null', 'none', 'nil', 'undefined', 'empty', 'todo', 'tbd', 'fixme', 'true', 'false', 'yes', 'no', 'on', 'off',
  'put your unique phrase here',
]);
// AWS's documented example credentials.
const DOCUMENTED_EXAMPLES = new Set(['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']);

const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  /^(x+|\*+|\.+|-+|_+|#+|\?+)$/i, // xxx, ***, ...
  /^<[^>]*>$/, // <password>
  /^\[[^\]]*\]$/, // [secret]
  /\$\{[^}]*\}|\$\(|^\$[A-Za-z_]/, // ${DB_PASSWORD}, $(cmd), $VAR: filled in elsewhere
  /\{\{[^}]*\}\}|\{%.*%\}/, // {{ jinja }}, {% ... %}
  /^%\(?[A-Za-z_]+\)?s?%?$/, // %(name)s, %VAR%
  /^@[A-Za-z_]+@$/, // @autoconf@
  /^your[\s_-]/i, // your_password, YOUR-TOKEN
  /change[\s_-]?(me|this|it)/i,
  /^replace[\s_-]?(me|this|with)/i,
  /[\s_-]here$/i, // token_here, put your unique phrase here
  /example/i,
  /^\d{1,4}$/, // a setting (SALT_ROUNDS=10, TOKEN_TTL=3600), not a secret
];

/** True when a value is empty or only a placeholder: nothing was generated yet. */
export function isPlaceholder(raw: string): boolean {
  const value = raw.trim();
  if (value === '') return true;
  if (DOCUMENTED_EXAMPLES.has(value)) return true;
  if (PLACEHOLDER_WORDS.has(value.toLowerCase())) return true;
  return PLACEHOLDER_PATTERNS.some((pattern) => pattern.test(value));
}

// Name parts that say the value is a secret (PASSWORD also as in DBPASSWORD, KEY as in APIKEY but
// not as in MONKEY).
const SECRET_PART = /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKENS?$|SALT$|^PASS$|^KEYS?$|(API|ACCESS|PRIVATE|LICENSE|MASTER|ENCRYPTION|SIGNING|AUTH|APP|SESSION|CRYPT)KEYS?$/;
// A last part that says the value is about a secret, not the secret (KEY_FILE=/path, TOKEN_TTL=3600).
const ABOUT_A_SECRET = new Set([
  'FILE', 'PATH', 'DIR', 'ID', 'NAME', 'TYPE', 'LENGTH', 'LEN', 'SIZE', 'BITS', 'TTL', 'URL', 'URI', 'HOST', 'PORT', 'USER',
  'USERNAME', 'ALGORITHM', 'ALG', 'ENABLED', 'EXPIRY', 'EXPIRES', 'EXPIRE', 'EXPIRATION', 'LIFETIME', 'TIMEOUT', 'HEADER',
  'PREFIX', 'FIELD', 'PARAM', 'ROUNDS', 'COST', 'MODE', 'POLICY', 'VERSION', 'REGION', 'DRIVER', 'PROVIDER', 'ISSUER', 'AUDIENCE',
]);

/** Whether a variable name (DB_PASSWORD, APP_KEY, JWT_SECRET) names a secret. */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  // Published to browsers or to the world by design (NEXT_PUBLIC_..., STRIPE_PUBLISHABLE_KEY).
  if (/PUBLIC|PUBLISHABLE/.test(upper)) return false;
  const parts = upper.split(/[_.-]+/).filter(Boolean);
  if (parts.length === 0 || ABOUT_A_SECRET.has(parts[parts.length - 1])) return false;
  // MYSQL_PWD, but not PWD_HOME: PWD as the last part only (and not the shell's PWD).
  const last = parts[parts.length - 1];
  return parts.some((part) => SECRET_PART.test(part)) || (last === 'PWD' && parts.length > 1);
}

// A file reference (SSL_KEY=/etc/ssl/private/app.key): the file is what holds the secret.
const PATH_VALUE = /^(\/|\.\.?\/|~\/)\S*$/;

/** The value of a .env assignment: quotes removed, an unquoted value ends at " #". */
function envValue(raw: string): string {
  const text = raw.trim();
  const quote = text[0];
  if (quote === '"' || quote === "'" || quote === '`') {
    const end = text.indexOf(quote, 1);
    // An unclosed quote starts a multi-line value (a PEM key in "..."): what follows is its start.
    return end < 0 ? text.slice(1) : text.slice(1, end);
  }
  return text.replace(/\s+#.*$/, '');
}

const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/;

/** Every assignment of a non-placeholder value in a shell-style KEY=VALUE file. */
function assignments(text: string): { name: string; value: string; line: number }[] {
  const found: { name: string; value: string; line: number }[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = ASSIGNMENT.exec(line);
    if (!match) return;
    const value = envValue(match[2]);
    if (!isPlaceholder(value)) found.push({ name: match[1], value, line: index + 1 });
  });
  return found;
}

/**
 * The lines of a .env file that give a secret-named variable (isSecretName) a real value: not
 * empty, not a placeholder, not a file path.
 */
export function envSecrets(text: string): SecretLine[] {
  return assignments(text)
    .filter(({ name, value }) => isSecretName(name) && !PATH_VALUE.test(value))
    .map(({ line }) => ({ line }));
}

/** DigitalOcean's 1-Click convention: KEY="password" lines, one per generated password. */
export function digitalOceanPasswords(text: string): SecretLine[] {
  return assignments(text).map(({ line }) => ({ line }));
}

// MySQL accepts any unambiguous prefix of an option name: pass=, passw=... all mean password=.
const MYSQL_PASSWORD_OPTION = /^pass(w(o(r(d)?)?)?)?$/;

/** The password= lines of a MySQL option file (~/.my.cnf, /etc/mysql/debian.cnf) with a real value. */
export function mysqlPasswords(text: string): SecretLine[] {
  const found: SecretLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';') || line.startsWith('[') || line.startsWith('!')) return;
    const equals = line.indexOf('=');
    // "password" alone makes the client ask for it: nothing is stored.
    if (equals < 0) return;
    const option = line.slice(0, equals).trim().toLowerCase().replace(/-/g, '_');
    if (!MYSQL_PASSWORD_OPTION.test(option)) return;
    let value = line.slice(equals + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) value = value.slice(1, -1);
    if (!isPlaceholder(value)) found.push({ line: index + 1 });
  });
  return found;
}

/** The fields of a .pgpass line: colons separate them, a backslash escapes a colon or a backslash. */
function pgpassFields(line: string): string[] {
  const fields = [''];
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) fields[fields.length - 1] += line[++i];
    else if (c === ':') fields.push('');
    else fields[fields.length - 1] += c;
  }
  return fields;
}

/** The lines of a .pgpass (host:port:database:user:password) that hold a real password. */
export function pgpassPasswords(text: string): SecretLine[] {
  const found: SecretLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const fields = pgpassFields(line);
    if (fields.length < 5) return;
    if (!isPlaceholder(fields.slice(4).join(':'))) found.push({ line: index + 1 });
  });
  return found;
}

/** WordPress's authentication keys and salts (wp-config-sample.php). */
export const WORDPRESS_SALTS = new Set(['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT']);

export interface WordPressSecrets {
  salts: SecretLine[];
  /** define('DB_PASSWORD', '...') with a real value. */
  databasePassword: SecretLine[];
}

const PHP_DEFINE = /define\s*\(\s*(['"])([A-Za-z_]+)\1\s*,\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)")\s*\)/g;

/**
 * The salts and database password defined with literal values in a wp-config.php. Commented-out
 * defines do not count; a value computed at run time (getenv(...)) is no literal and is not found.
 */
export function wordpressSecrets(text: string): WordPressSecrets {
  const result: WordPressSecrets = { salts: [], databasePassword: [] };
  let inComment = false;
  text.split('\n').forEach((raw, index) => {
    let line = raw;
    // Block comments: drop what they cover (enough for the sample's layout and commented-out blocks).
    let code = '';
    while (line.length > 0) {
      if (inComment) {
        const end = line.indexOf('*/');
        if (end < 0) return void (line = '');
        inComment = false;
        line = line.slice(end + 2);
      } else {
        const start = line.indexOf('/*');
        if (start < 0) {
          code += line;
          line = '';
        } else {
          code += line.slice(0, start);
          inComment = true;
          line = line.slice(start + 2);
        }
      }
    }
    const trimmed = code.trim();
    if (trimmed.startsWith('//') || trimmed.startsWith('#')) return;
    for (const match of trimmed.matchAll(PHP_DEFINE)) {
      const name = match[2];
      const value = match[3] ?? match[4] ?? '';
      if (isPlaceholder(value)) continue;
      if (WORDPRESS_SALTS.has(name)) result.salts.push({ line: index + 1 });
      else if (name === 'DB_PASSWORD') result.databasePassword.push({ line: index + 1 });
    }
  });
  return result;
}

// Names of application .env files; samples that ship with the source are not the application's.
const ENV_SAMPLE_SUFFIX = /\.(example|sample|template|tmpl|tpl|dist|defaults?|schema|test|testing|ci)$/i;

/** Whether a file name is an application's environment file (.env, .env.production, app.env). */
export function isEnvFileName(name: string): boolean {
  if (!(name === '.env' || name.startsWith('.env.') || (name.endsWith('.env') && name.length > 4))) return false;
  return !ENV_SAMPLE_SUFFIX.test(name) && !/(^|[._-])(example|sample|template)\.env$/i.test(name);
}

/** Lines as a short list for a message: "lines 3, 7, 9 and 2 more". */
export function describeLines(lines: readonly SecretLine[]): string {
  const numbers = lines.map((l) => l.line);
  const shown = numbers.slice(0, 5).join(', ');
  const more = numbers.length > 5 ? ` and ${numbers.length - 5} more` : '';
  return `${numbers.length === 1 ? 'line' : 'lines'} ${shown}${more}`;
}
