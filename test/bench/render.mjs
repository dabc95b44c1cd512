// chs render and the drift comparison on a large repository: 20 Falco rules files, 200 AppArmor
// profiles and 100 seccomp profiles (about 0.8 MiB of policy text).
import { defaultConfig } from '../../dist/src/core/config.js';
import { renderTarget } from '../../dist/src/render/index.js';
import { compareObject } from '../../dist/src/kube/compare.js';
import { figure, time } from './_util.mjs';

const falco = Array.from({ length: 20 }, (_, i) => ({
  path: `policies/falco/rules-${i}.yaml`,
  display: `policies/falco/rules-${i}.yaml`,
  text: Array.from(
    { length: 40 },
    (_, r) =>
      `- rule: Rule ${i}-${r}\n  desc: d\n  condition: evt.type = execve and proc.name = p${r}\n  output: o %proc.name\n  priority: WARNING\n`,
  ).join('\n'),
}));
const apparmor = Array.from({ length: 200 }, (_, i) => ({
  path: `policies/apparmor/app-${i}`,
  display: `policies/apparmor/app-${i}`,
  text: `#include <tunables/global>\nprofile app-${i} flags=(attach_disconnected) {\n  #include <abstractions/base>\n${Array.from({ length: 40 }, (_, r) => `  /srv/app-${i}/data-${r}/** rw,\n`).join('')}}\n`,
}));
const seccomp = Array.from({ length: 100 }, (_, i) => ({
  path: `policies/seccomp/p-${i}.json`,
  display: `policies/seccomp/p-${i}.json`,
  text: JSON.stringify(
    {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [{ names: Array.from({ length: 60 }, (_, s) => `call_${s}`), action: 'SCMP_ACT_ALLOW' }],
    },
    null,
    2,
  ),
}));
const files = new Map([
  ['falco', falco],
  ['apparmor', apparmor],
  ['seccomp', seccomp],
  ['pod-security', []],
]);
const bytes = [...falco, ...apparmor, ...seccomp].reduce((n, f) => n + Buffer.byteLength(f.text), 0);
const config = { ...defaultConfig('/repo'), targets: [{ name: 'prod', mode: 'block' }] };

let result;
const render = await time(() => {
  result = renderTarget(config, config.targets[0], files);
});
if (result.problems.length > 0) throw new Error(JSON.stringify(result.problems));
figure('policy text rendered', bytes / 1048576, 'MiB');
figure('render one target (6 objects, manifests + values)', render.median, 'ms', '< 500 ms');

// The live objects as the server returns them: defaults, status and managedFields added.
const live = result.objects.map((o) => ({
  ...structuredClone(o),
  metadata: {
    ...o.metadata,
    uid: 'u',
    resourceVersion: '7',
    managedFields: [{ manager: 'container-host-security', operation: 'Apply', fieldsV1: {} }],
  },
  status: { observedGeneration: 1 },
}));
const compare = await time(() => {
  for (const [i, o] of result.objects.entries())
    if (!compareObject(o, live[i]).equal) throw new Error('unexpected drift');
});
figure('drift comparison of every object (no drift)', compare.median, 'ms', '< 250 ms');
live[1].data[Object.keys(live[1].data)[0]] += '# changed\n';
const diff = await time(() => compareObject(result.objects[1], live[1]));
figure('drift comparison with a unified diff (one changed key)', diff.median, 'ms', '< 250 ms');
