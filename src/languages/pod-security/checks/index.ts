/**
 * The table of Pod Security Admission checks, and the evaluator that picks, for a level and a
 * policy version, each check's revision in force. As in PSA's registry: baseline checks first, then
 * restricted ones, each group sorted by id; restricted drops the baseline checks its revisions
 * override; versions newer than the newest revision behave as the newest.
 */
import { allowPrivilegeEscalation } from './allow-privilege-escalation.js';
import { appArmorProfile } from './app-armor-profile.js';
import { capabilitiesBaseline } from './capabilities-baseline.js';
import { capabilitiesRestricted } from './capabilities-restricted.js';
import { hostNamespaces } from './host-namespaces.js';
import { hostPathVolumes } from './host-path-volumes.js';
import { hostPorts } from './host-ports.js';
import { hostProbesAndHostLifecycle } from './host-probes-and-host-lifecycle.js';
import { compareStrings } from './pod.js';
import { privileged } from './privileged.js';
import { procMountBaseline } from './proc-mount-baseline.js';
import { procMountRestricted } from './proc-mount-restricted.js';
import { restrictedVolumes } from './restricted-volumes.js';
import { runAsNonRoot } from './run-as-non-root.js';
import { runAsUser } from './run-as-user.js';
import { seLinuxOptions } from './se-linux-options.js';
import { seccompProfileBaseline } from './seccomp-profile-baseline.js';
import { seccompProfileRestricted } from './seccomp-profile-restricted.js';
import { sysctls } from './sysctls.js';
import type { Check, CheckFn, Level, VersionedCheck } from './types.js';
import { windowsHostProcess } from './windows-host-process.js';

const CHECKS: readonly Check[] = [
  allowPrivilegeEscalation,
  appArmorProfile,
  capabilitiesBaseline,
  capabilitiesRestricted,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMountBaseline,
  procMountRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seLinuxOptions,
  seccompProfileBaseline,
  seccompProfileRestricted,
  sysctls,
  windowsHostProcess,
];

/** The newest policy version any check has a revision for: what `latest` means. */
export const MAX_MINOR = Math.max(...CHECKS.flatMap((c) => c.versions.map((v) => v.minimum)));

export interface ActiveCheck {
  id: string;
  level: Level;
  check: CheckFn;
}

/** The revision of a check in force at a version, if the check exists yet. */
function revisionAt(check: Check, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of check.versions) if (v.minimum <= minor) found = v;
  return found;
}

const ORDERED: readonly Check[] = [
  ...CHECKS.filter((c) => c.level === 'baseline').sort((a, b) => compareStrings(a.id, b.id)),
  ...CHECKS.filter((c) => c.level === 'restricted').sort((a, b) => compareStrings(a.id, b.id)),
];

const cache: Record<Level, (readonly ActiveCheck[] | undefined)[]> = { baseline: [], restricted: [] };

/** The checks PSA runs for a level at a policy version (a minor of 1.x; Infinity for latest). */
export function checksFor(level: Level, minor: number): readonly ActiveCheck[] {
  const clamped = Math.min(minor, MAX_MINOR);
  const cached = cache[level][clamped];
  if (cached) return cached;
  const active: { check: Check; revision: VersionedCheck }[] = [];
  for (const check of ORDERED) {
    if (level === 'baseline' && check.level !== 'baseline') continue;
    const revision = revisionAt(check, clamped);
    if (revision) active.push({ check, revision });
  }
  const overridden = new Set(active.flatMap((a) => a.revision.overrides ?? []));
  const result = active
    .filter((a) => !(level === 'restricted' && a.check.level === 'baseline' && overridden.has(a.check.id)))
    .map((a) => ({ id: a.check.id, level: a.check.level, check: a.revision.check }));
  cache[level][clamped] = result;
  return result;
}
