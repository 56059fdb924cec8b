// apt's own output: `apt-get -s dist-upgrade` Inst lines and `apt-get update` failures.
import t from 'tap';
import { isSecurityArchive, parseInstLines, updateFailure } from '../../distros/apt-output.js';

t.test('parseInstLines', async (t) => {
  const stdout = [
    'NOTE: This is only a simulation!',
    'Inst libssl3 [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian:12.4/stable, Debian-Security:12/stable-security [amd64])',
    'Inst linux-image-6.1.0-18-amd64 (6.1.76-1 Debian-Security:12/stable-security [amd64])',
    'Inst base-files [12ubuntu4.4] (12ubuntu4.6 Ubuntu:22.04/jammy-updates [amd64]) []',
    'Inst noarch (1.0 Local:1/x)',
    'Inst bare (1.0 )',
    'Inst unclosed (1.0 Debian:12/stable [amd64]',
    'Conf libssl3 (3.0.11-1~deb12u2 Debian:12.4/stable [amd64])',
  ].join('\n');
  t.same(parseInstLines(stdout), [
    { name: 'libssl3', installed: '3.0.11-1~deb12u1', candidate: '3.0.11-1~deb12u2', archives: ['Debian:12.4/stable', 'Debian-Security:12/stable-security'], arch: 'amd64' },
    { name: 'linux-image-6.1.0-18-amd64', installed: undefined, candidate: '6.1.76-1', archives: ['Debian-Security:12/stable-security'], arch: 'amd64' },
    { name: 'base-files', installed: '12ubuntu4.4', candidate: '12ubuntu4.6', archives: ['Ubuntu:22.04/jammy-updates'], arch: 'amd64' },
    { name: 'noarch', installed: undefined, candidate: '1.0', archives: ['Local:1/x'], arch: undefined },
    { name: 'bare', installed: undefined, candidate: '1.0', archives: [], arch: undefined },
  ]);
  t.ok(isSecurityArchive('Debian-Security:12/stable-security'));
});

t.test('updateFailure masks credentials up to the last @ before the host', async (t) => {
  const out = updateFailure('Err:1 https://deploy:p@ss@repo.example.com/apt stable InRelease\n  401  Unauthorized\n');
  t.equal(out, 'Err:1 https://***@repo.example.com/apt stable InRelease: 401  Unauthorized');
  t.equal(updateFailure('W: Failed to fetch http://a@b/x and https://c:d@e/y mail me@example.com\n'), 'W: Failed to fetch http://***@b/x and https://***@e/y mail me@example.com');
  t.equal(updateFailure('Hit:1 http://mirror.example.org/debian bookworm InRelease\n'), null);
});
