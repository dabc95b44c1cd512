// AppArmor's classes decided per permission (unix, dbus, mqueue, io_uring, userns): 1,000,000
// accesses against a profile of 200 rules of those classes, beside 1,000,000 file accesses
// against the same profile's file rules in the same run (the baseline).
// Run with `npm run bench apparmor-classes`.
import { performance } from 'node:perf_hooks';
import { loadProfileSet } from '../../dist/src/languages/apparmor/analyze.js';
import { evaluateAccess } from '../../dist/src/languages/apparmor/evaluate.js';
import { figure } from './_util.mjs';

const ACCESSES = 1_000_000;
const rules = [];
for (let i = 0; i < 40; i++) {
  rules.push(`  unix (connect, send, receive) type=stream peer=(addr=@svc-${i}-*, label=svc${i}),`);
  rules.push(
    `  dbus send bus=system path=/org/example/svc${i}/** interface=org.example.Svc${i} member={Get,Set},`,
  );
  rules.push(`  mqueue (open, read, write) /queue-${i}-*,`);
  rules.push(`  /srv/app${i}/** r,`);
  rules.push(`  deny /srv/app${i}/secret* r,`);
}
rules.push('  deny unix (bind) addr=@forbidden-*,', '  io_uring sqpoll,', '  userns,');
const text = `profile bench {\n${rules.join('\n')}\n}\n`;
const { set } = loadProfileSet([{ path: 'bench', text }], { roots: [], bases: [], cwd: process.cwd() });

const classes = [];
const files = [];
for (let n = 0; n < 50_000; n++) {
  const i = n % 40;
  const k = n % 5;
  if (k === 0)
    classes.push({
      unix: {
        access: 'connect',
        type: 'stream',
        addr: 'none',
        peer: { addr: `@svc-${i}-${n}`, label: `svc${i}` },
      },
    });
  else if (k === 1)
    classes.push({
      dbus: {
        access: 'send',
        bus: 'system',
        name: 'org.x',
        label: 'x',
        path: `/org/example/svc${i}/o${n}`,
        interface: `org.example.Svc${i}`,
        member: 'Get',
      },
    });
  else if (k === 2) classes.push({ mqueue: { access: ['open', 'read'], name: `/queue-${i}-${n}` } });
  else if (k === 3) classes.push({ unix: { access: 'bind', type: 'stream', addr: `@forbidden-${n}` } });
  else classes.push({ userns: {} });
  files.push({ path: `/srv/app${i}/${n % 7 === 0 ? 'secret' : 'file'}-${n}`, permissions: 'r' });
}

function run(stream) {
  for (let i = 0; i < 50_000; i++) evaluateAccess(set, 'bench', stream[i]);
  const counts = { allow: 0, deny: 0, audit: 0 };
  const start = performance.now();
  for (let i = 0; i < ACCESSES; i++)
    counts[evaluateAccess(set, 'bench', stream[i % stream.length]).decision]++;
  return { took: performance.now() - start, counts };
}

const baseline = run(files);
const measured = run(classes);
figure('file accesses (baseline), 1,000,000', baseline.took, 'ms');
figure('  accesses per second', (ACCESSES / baseline.took) * 1000, '/s');
figure('unix, dbus, mqueue, userns accesses, 1,000,000', measured.took, 'ms');
figure('  accesses per second', (ACCESSES / measured.took) * 1000, '/s');
figure('  allowed / denied', `${measured.counts.allow} / ${measured.counts.deny}`, '');
