/**
 * The profile loader's script, run by /bin/sh off a node: the host is a temporary directory and
 * apparmor_parser a stand-in that logs its arguments (and refuses profiles that contain "bad").
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOADER_SCRIPT } from '../../src/render/loader-script.js';
import { WHY, skipping } from '../helpers/skip.js';

const hasSh = existsSync('/bin/sh');
if (!hasSh) skipping('the loader script', WHY.noSh);

let dir: string;
let log: string;
const host = (): string => join(dir, 'host');
const apparmorHost = (): string => join(host(), 'etc/apparmor.d/container-host-security');
const seccompHost = (): string => join(host(), 'var/lib/kubelet/seccomp/container-host-security');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chs-loader-'));
  log = join(dir, 'parser.log');
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'src/apparmor'), { recursive: true });
  mkdirSync(join(dir, 'src/seccomp'), { recursive: true });
  mkdirSync(host());
  writeFileSync(join(dir, 'load.sh'), LOADER_SCRIPT);
  const parser = join(dir, 'bin/apparmor_parser');
  writeFileSync(
    parser,
    `#!/bin/sh\necho "$*" >> "${log}"\nfor last; do :; done\ngrep -q bad "$last" 2>/dev/null && exit 1\nexit 0\n`,
  );
  chmodSync(parser, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runOnce(mode: 'complain' | 'enforce'): {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: string[];
} {
  if (existsSync(log)) rmSync(log);
  const result = spawnSync('/bin/sh', [join(dir, 'load.sh')], {
    env: {
      PATH: `${join(dir, 'bin')}:/usr/bin:/bin`,
      CHS_ONCE: '1',
      CHS_HOST_ROOT: host(),
      CHS_APPARMOR_SRC: join(dir, 'src/apparmor'),
      CHS_SECCOMP_SRC: join(dir, 'src/seccomp'),
      CHS_APPARMOR_MODE: mode,
    },
    encoding: 'utf8',
    timeout: 10_000,
  });
  const calls = existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.replace(host(), '<host>'))
    : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

describe.skipIf(!hasSh)('the profile loader script', () => {
  it('loads, replaces, unloads and keeps a failed profile out, atomically', () => {
    writeFileSync(join(dir, 'src/apparmor/web'), 'profile web {}\n');
    writeFileSync(join(dir, 'src/apparmor/db'), 'profile db {}\n');
    writeFileSync(join(dir, 'src/seccomp/audit.json'), '{"defaultAction":"SCMP_ACT_LOG"}\n');

    const first = runOnce('complain');
    expect(first.status).toBe(0);
    expect(first.calls).toEqual([
      '-r -C <host>/etc/apparmor.d/container-host-security/db.chs-new',
      '-r -C <host>/etc/apparmor.d/container-host-security/web.chs-new',
    ]);
    expect(readFileSync(join(apparmorHost(), 'web'), 'utf8')).toBe('profile web {}\n');
    expect(readFileSync(join(seccompHost(), 'audit.json'), 'utf8')).toContain('SCMP_ACT_LOG');
    expect(existsSync(join(apparmorHost(), 'web.chs-new'))).toBe(false);

    // Nothing changed: nothing is loaded again.
    expect(runOnce('complain').calls).toEqual([]);

    // web changes, db goes, a broken profile arrives, the seccomp profile goes.
    writeFileSync(join(dir, 'src/apparmor/web'), 'profile web { network, }\n');
    rmSync(join(dir, 'src/apparmor/db'));
    writeFileSync(join(dir, 'src/apparmor/broken'), 'profile bad {\n');
    rmSync(join(dir, 'src/seccomp/audit.json'));
    const second = runOnce('complain');
    expect(second.status).toBe(1);
    expect(second.calls).toEqual([
      '-r -C <host>/etc/apparmor.d/container-host-security/broken.chs-new',
      '-r -C <host>/etc/apparmor.d/container-host-security/web.chs-new',
      '-R <host>/etc/apparmor.d/container-host-security/db',
    ]);
    expect(second.stderr).toContain(
      'failed to load AppArmor profile broken: the previous version stays in force',
    );
    expect(readFileSync(join(apparmorHost(), 'web'), 'utf8')).toBe('profile web { network, }\n');
    expect(existsSync(join(apparmorHost(), 'db'))).toBe(false);
    expect(existsSync(join(apparmorHost(), 'broken'))).toBe(false);
    expect(existsSync(join(seccompHost(), 'audit.json'))).toBe(false);

    // Switching to block mode reloads every profile in enforce mode.
    rmSync(join(dir, 'src/apparmor/broken'));
    const enforce = runOnce('enforce');
    expect(enforce.status).toBe(0);
    expect(enforce.calls).toEqual(['-r <host>/etc/apparmor.d/container-host-security/web.chs-new']);
    expect(readFileSync(join(apparmorHost(), '.chs-mode'), 'utf8')).toBe('enforce\n');
  });
});
