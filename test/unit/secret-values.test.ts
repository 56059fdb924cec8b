// The parsers of build-secrets: which values are placeholders, which names are secrets, and which
// lines of .env, MySQL option, .pgpass, wp-config.php and DigitalOcean password files hold one.
import t from 'tap';
import {
  describeLines,
  digitalOceanPasswords,
  envSecrets,
  isEnvFileName,
  isPlaceholder,
  isSecretName,
  mysqlPasswords,
  pgpassPasswords,
  wordpressSecrets,
} from '../../agent/facts/secret-values.js';

const lines = (found: { line: number }[]) => found.map((f) => f.line);

const PLACEHOLDERS: readonly string[] = [
  '', '   ', 'changeme', 'CHANGEME', 'change-me', 'change_me_please', 'ChangeThis', 'xxx', 'XXXXXXXX', '****', '...',
  '<password>', '<your token>', '[secret]', '${DB_PASSWORD}', '${DB_PASSWORD:-x}', '$DB_PASSWORD', '$(cat /run/secret)', '{{ db_password }}',
  '%(password)s', '%DB_PASS%', '@DB_PASSWORD@', 'your_password', 'YOUR-API-KEY', 'your secret', 'replace_me', 'replace-with-a-token',
  'put your unique phrase here', 'password_here', 'token-here', 'example', 'my-example-secret', 'secret', 'password', 'null', 'none', 'false', 'true',
  'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '10', '3600',
];
const REAL_VALUES: readonly string[] = [
  'hunter2hunter2', 'base64:3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'c0rrect-h0rse-battery', 'S3cr3t!', 'a1b2c3d4e5f6', '123456', 'dop_v1_abc', 'p@ss:word',
];

for (const value of PLACEHOLDERS) t.test(`placeholder: ${JSON.stringify(value)}`, async (t) => t.ok(isPlaceholder(value)));
for (const value of REAL_VALUES) t.test(`real value: ${JSON.stringify(value)}`, async (t) => t.notOk(isPlaceholder(value)));

const SECRET_NAMES: readonly string[] = [
  'DB_PASSWORD', 'DBPASSWORD', 'db_password', 'MYSQL_ROOT_PASSWORD', 'POSTGRES_PASSWD', 'DB_PASS', 'MYSQL_PWD', 'APP_KEY', 'APP_KEYS', 'API_KEY', 'APIKEY',
  'STRIPE_SECRET_KEY', 'SECRET_KEY_BASE', 'JWT_SECRET', 'CLIENT_SECRET', 'ACCESS_TOKEN', 'GITHUB_TOKEN', 'API_TOKEN_SALT', 'WP_SALT', 'AWS_SECRET_ACCESS_KEY',
  'SSH_PASSPHRASE', 'mail.password', 'session-secret',
];
const OTHER_NAMES: readonly string[] = [
  'DB_HOST', 'DB_USERNAME', 'APP_NAME', 'NODE_ENV', 'PWD_HOME', 'KEY_FILE', 'SSL_KEY_PATH', 'JWT_SECRET_ALGORITHM', 'TOKEN_TTL', 'PASSWORD_MIN_LENGTH',
  'AWS_ACCESS_KEY_ID', 'STRIPE_PUBLISHABLE_KEY', 'NEXT_PUBLIC_API_KEY', 'VAPID_PUBLIC_KEY', 'KEYBOARD_LAYOUT', 'MONKEY_PATCH', 'BCRYPT_SALT_ROUNDS', 'TOKENIZERS_PARALLELISM',
  'SECRET_KEY_FILE', 'TOKEN_URL',
];
for (const name of SECRET_NAMES) t.test(`secret name: ${name}`, async (t) => t.ok(isSecretName(name)));
for (const name of OTHER_NAMES) t.test(`not a secret name: ${name}`, async (t) => t.notOk(isSecretName(name)));

t.test('envSecrets: secret-named variables with real values, by line', async (t) => {
  const text = [
    '# Laravel',
    'APP_KEY=base64:3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    'DB_HOST=127.0.0.1',
    'export DB_PASSWORD="hunter2hunter2"',
    "REDIS_PASSWORD='' ",
    'MAIL_PASSWORD=null',
    'SSL_KEY=/etc/ssl/private/app.key',
    'SIGNING_KEY=./keys/signing.pem',
    'JWT_SECRET = spaced-out-secret # a comment',
    'SESSION_SECRET=${SESSION_SECRET}',
    '# DB_PASSWORD=commented-out',
    'TOKEN="multi-line value starts',
    'continues here"',
    'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'not an assignment',
    '',
  ].join('\n');
  t.same(lines(envSecrets(text)), [2, 4, 9, 12]);
  t.same(envSecrets(''), []);
  t.same(lines(envSecrets('DB_PASSWORD=secret1\r\n')), [1], 'CRLF lines');
});

t.test('digitalOceanPasswords: every generated password', async (t) => {
  t.same(lines(digitalOceanPasswords('root_mysql_pass="a8f7e6d5c4"\nadmin_pass=""\nwordpress_mysql_pass="9f8e7d6c5b"\n')), [1, 3]);
  t.same(digitalOceanPasswords('\n'), []);
});

t.test('mysqlPasswords: password= (and its prefixes) with a value, in any section', async (t) => {
  const text = [
    '[client]',
    'user = root',
    'password = "hunter2hunter2"',
    '[mysqldump]',
    'pass=another-one',
    'password',
    '# password = commented',
    '[mysql]',
    'password=',
    'password = ""',
    "passwd = 'not an option name'",
    'password-file = /etc/mysql/pw',
  ].join('\n');
  t.same(lines(mysqlPasswords(text)), [3, 5]);
  t.same(lines(mysqlPasswords('[client]\nhost     = localhost\nuser     = debian-sys-maint\npassword = Zx9YtR2pQ4wE8uI1\nsocket   = /var/run/mysqld/mysqld.sock\n')), [4], "Ubuntu's debian.cnf");
  t.same(mysqlPasswords('[client]\nhost     = localhost\nuser     = root\nsocket   = /run/mysqld/mysqld.sock\n'), [], "MariaDB's debian.cnf (unix_socket, no password)");
});

t.test('pgpassPasswords: the fifth field, escapes honoured', async (t) => {
  const text = [
    '# host:port:db:user:password',
    'localhost:5432:app:app:hunter2hunter2',
    '*:*:*:readonly:',
    'db\\:host:5432:app:app:pa\\:ss',
    'too:few:fields',
    'localhost:5432:app:app:changeme',
    '',
  ].join('\n');
  t.same(lines(pgpassPasswords(text)), [2, 4]);
});

t.test('wordpressSecrets: literal salts and database password, not placeholders or comments', async (t) => {
  const text = [
    '<?php',
    "define( 'DB_PASSWORD', 'hunter2hunter2' );",
    "define('AUTH_KEY',         'k#8]Z|q@)mVt/X`9+F{2bN!a');",
    'define( "SECURE_AUTH_KEY", "a\\"quoted\\" value 123" );',
    "define( 'LOGGED_IN_KEY',    'put your unique phrase here' );",
    "// define( 'NONCE_KEY', 'commented-out-value' );",
    "/* define( 'AUTH_SALT', 'in a block comment' );",
    "   define( 'SECURE_AUTH_SALT', 'still in it' ); */",
    "define( 'LOGGED_IN_SALT', getenv('LOGGED_IN_SALT') );",
    "define( 'NONCE_SALT', '' );",
    "define( 'DB_USER', 'wordpress' );",
    '',
  ].join('\n');
  const found = wordpressSecrets(text);
  t.same(lines(found.salts), [3, 4]);
  t.same(lines(found.databasePassword), [2]);
  const sample = wordpressSecrets("define( 'DB_PASSWORD', 'password_here' );\ndefine( 'AUTH_KEY', 'put your unique phrase here' );\n");
  t.same(sample, { salts: [], databasePassword: [] }, "wp-config-sample.php's values");
});

t.test('isEnvFileName: environment files, not their samples', async (t) => {
  for (const name of ['.env', '.env.local', '.env.production', '.env.prod', '.env.bak', 'app.env', 'docker.env']) t.ok(isEnvFileName(name), name);
  for (const name of ['.env.example', '.env.sample', '.env.dist', '.env.template', '.env.testing', 'example.env', 'sample.env', '.envrc', 'env', '.env-cmdrc', 'environment']) {
    t.notOk(isEnvFileName(name), name);
  }
});

t.test('describeLines: short, never more than five numbers', async (t) => {
  t.equal(describeLines([{ line: 3 }]), 'line 3');
  t.equal(describeLines([1, 2, 3, 4, 5, 6, 7].map((line) => ({ line }))), 'lines 1, 2, 3, 4, 5 and 2 more');
});
