// findFirstLoginCalls: the vendor scripts root's .bashrc runs, and whether it runs them directly.
import t from 'tap';
import { findFirstLoginCalls } from '../../checks/first-login.js';

t.test('scripts and how they are run', async (t) => {
  const bashrc = [
    '# ~/.bashrc',
    '/opt/app/first-login.sh',
    'bash /srv/setup/run.sh && /root/.digitalocean_password',
    '. /usr/local/lib/helper.sh; /home/app/x.sh',
    'test -f /opt/a || /opt/b.sh',
    'source /etc/profile',
    'sh /opt/later.sh',
    'true;   /opt/later.sh',
    '(/opt/sub.sh)',
    'cat /opt/piped.sh | /opt/filter.sh',
  ].join('\n');
  t.same(findFirstLoginCalls(bashrc), [
    { path: '/opt/app/first-login.sh', direct: true },
    { path: '/srv/setup/run.sh', direct: false },
    { path: '/root/.digitalocean_password', direct: true },
    { path: '/usr/local/lib/helper.sh', direct: false },
    { path: '/home/app/x.sh', direct: true },
    { path: '/opt/a', direct: false },
    { path: '/opt/b.sh', direct: true },
    // Run through sh on one line and directly on another: it needs the executable bit.
    { path: '/opt/later.sh', direct: true },
    { path: '/opt/sub.sh', direct: false },
    { path: '/opt/piped.sh', direct: false },
    { path: '/opt/filter.sh', direct: false },
  ]);
});

t.test('a path that only starts like another is not a direct call of it', async (t) => {
  t.same(findFirstLoginCalls('bash /opt/a.sh; /opt/a.sh.bak'), [
    { path: '/opt/a.sh', direct: false },
    { path: '/opt/a.sh.bak', direct: true },
  ]);
});
