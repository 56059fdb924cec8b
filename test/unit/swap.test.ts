// Which fstab lines and .swap units enable swap at boot.
import t from 'tap';
import { parseFstabSwaps, swapUnitWhat } from '../../checks/swap.js';

t.test('parseFstabSwaps: enabled swap entries only, with their line numbers', async (t) => {
  const fstab = [
    '# /etc/fstab: static file system information.',
    'UUID=5e1f / ext4 errors=remount-ro 0 1',
    '/swapfile none swap sw 0 0',
    '#/swap.old none swap sw 0 0',
    '   # /swap.indented none swap sw 0 0',
    '/dev/vdb1 none swap noauto,sw 0 0',
    'LABEL=swap\\040space none swap defaults',
    '/srv/swap.img swap swap',
    'tmpfs /tmp tmpfs defaults 0 0',
    '',
  ].join('\n');
  t.same(parseFstabSwaps(fstab), [
    { what: '/swapfile', line: 3 },
    { what: 'LABEL=swap space', line: 7 },
    { what: '/srv/swap.img', line: 8 },
  ]);
  t.same(parseFstabSwaps(''), [], 'an empty fstab enables nothing');
  t.same(parseFstabSwaps('/swapfile none swap'), [{ what: '/swapfile', line: 1 }], 'options default to defaults');
});

t.test('swapUnitWhat: What= of the [Swap] section', async (t) => {
  t.equal(swapUnitWhat('[Unit]\nDescription=x\n\n[Swap]\nWhat=/var/swap.img\nPriority=5\n'), '/var/swap.img');
  t.equal(swapUnitWhat('[Unit]\nWhat=/not-here\n[Install]\nWantedBy=swap.target\n'), null, 'What= outside [Swap] does not count');
  t.equal(swapUnitWhat('[Swap]\nWhat=/a\nWhat=/b\n'), '/b', 'the last assignment wins');
  t.equal(swapUnitWhat('[Swap]\nWhat=\n'), null, 'an empty What= names nothing');
});
