// The preview's loading of one side's AppArmor profiles and pod security policies, which now
// checks each file on its own for load errors (apparmor_parser's and lint's checks; the schema)
// before evaluating the files that load: 200 profiles and 200 policies, against the baseline of
// loading them without that check (one unvalidated pass), measured in the same run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTree } from '../../dist/src/impact/tree.js';
import { loadAppArmorSide } from '../../dist/src/impact/apparmor.js';
import { loadPodSecuritySide } from '../../dist/src/impact/pod-security.js';
import { loadProfileSet } from '../../dist/src/languages/apparmor/index.js';
import { loadPolicyFile } from '../../dist/src/languages/pod-security/index.js';
import { SourceFile } from '../../dist/src/core/source.js';
import { figure, time } from './_util.mjs';

const N = 200;
const dir = mkdtempSync(join(tmpdir(), 'chs-bench-preview-load-'));
const write = (path, text) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};
write('chs.yaml', 'version: 1\ntargets:\n  - name: production\n    namespaces: [shop]\n');
for (let i = 0; i < N; i++) {
  const rules = Array.from({ length: 30 }, (_, r) => `  /srv/app${i}/data${r}/** rw,`).join('\n');
  write(
    `policies/apparmor/app-${i}`,
    `profile app-${i} flags=(attach_disconnected) {\n  capability net_bind_service,\n  network inet stream,\n  /usr/bin/app${i} ix,\n${rules}\n  deny /etc/shadow r,\n}\n`,
  );
  write(
    `policies/pod-security/p-${i}.yaml`,
    `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: p-${i}\nspec:\n  level: baseline\n  namespaces: [shop]\n  controls:\n    runAsNonRoot: true\n    privileged: false\n`,
  );
}
const tree = loadTree(dir);

const appArmorBaseline = () => {
  const inputs = (tree.files.get('apparmor') ?? []).map((path) => ({ path, text: tree.read(path) }));
  loadProfileSet(inputs, { roots: [], bases: [dir], cwd: dir, validate: false });
};
const podSecurityBaseline = () => {
  for (const path of tree.files.get('pod-security') ?? [])
    loadPolicyFile(new SourceFile(path, tree.read(path)));
};
const a0 = await time(appArmorBaseline, { runs: 15 });
const a1 = await time(() => loadAppArmorSide(tree), { runs: 15 });
const p0 = await time(podSecurityBaseline, { runs: 15 });
const p1 = await time(() => loadPodSecuritySide(tree), { runs: 15 });
figure(`AppArmor side, ${N} profiles: unvalidated load (baseline)`, a0.median, 'ms');
figure(`AppArmor side, ${N} profiles: each file checked, then loaded`, a1.median, 'ms');
figure(`pod security side, ${N} policies: load (baseline)`, p0.median, 'ms');
figure(`pod security side, ${N} policies: load with load errors`, p1.median, 'ms');
rmSync(dir, { recursive: true, force: true });
