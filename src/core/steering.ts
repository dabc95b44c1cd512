/**
 * What a merge request may not decide for the job that previews it. Settings that steer
 * credentials, the network or what the job reads outside the repository are taken from the
 * base's chs.yaml (the target branch, reviewed); a head that changes them gets them once merged,
 * and the preview shows the change as awaiting merge (Atlantis keeps repository configuration
 * server-side the same way). Everything else (policy paths, rules, modes) is the change under
 * review and is the head's.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { Config, TargetConfig } from './config.js';
import { isInside } from './reach.js';

/** A steering setting the head changes, with both values as chs.yaml would write them. */
export interface SteeringChange {
  /** `apparmor.includeDirs`, `targets[production].kubeContext`, `preview.events[loki]`... */
  setting: string;
  /** JSON of the value in force (the base's), or undefined when the base does not set it. */
  base?: string;
  /** JSON of the head's value, or undefined when the head removes it. */
  head?: string;
}

export interface TrustedConfig {
  /** The head's configuration with every steering setting of the base. */
  config: Config;
  changes: SteeringChange[];
}

/** The target settings that reach a cluster: which one, with which credentials, by which path. */
const TARGET_STEERING = ['kubeContext', 'kubeconfig', 'via'] as const;

/**
 * A `preview.events` entry that is data of the repository (a file or a glob, a string) or a
 * source reached over the network with credentials (an object: `loki:`, `elasticsearch:`...).
 */
export function isRemoteEventSource(entry: unknown): boolean {
  return typeof entry !== 'string';
}

function json(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

/** The base's include roots, as directories of the head's checkout when they are the base's own. */
function rebase(dirs: readonly string[], from: string, to: string): string[] {
  return dirs.map((dir) => {
    if (!isInside(from, dir)) return dir;
    const rel = relative(from, dir);
    return rel === '' ? to : resolve(to, rel);
  });
}

/** An include root as chs.yaml would name it: relative to the repository root when inside. */
function shownDirs(dirs: readonly string[], root: string): string[] {
  return dirs
    .map((dir) => (isInside(root, dir) ? relative(root, dir) || '.' : dir))
    .map((d) => (isAbsolute(d) ? d : d.split('\\').join('/')));
}

function targetSteering(target: TargetConfig | undefined): Partial<TargetConfig> {
  const out: Partial<TargetConfig> = {};
  if (!target) return out;
  for (const key of TARGET_STEERING)
    if (target[key] !== undefined) Object.assign(out, { [key]: target[key] });
  return out;
}

function remoteEntryName(entry: unknown, index: number): string {
  if (entry !== null && typeof entry === 'object') {
    const keys = Object.keys(entry);
    if (keys.length > 0) return keys.join('+');
  }
  return String(index);
}

/**
 * The configuration a preview uses: the head's, with the base's steering settings. `changes`
 * lists every steering setting the head sets differently, for the note.
 */
export function steeringFromBase(base: Config, head: Config): TrustedConfig {
  const changes: SteeringChange[] = [];
  const compare = (setting: string, baseValue: unknown, headValue: unknown): void => {
    const b = json(baseValue);
    const h = json(headValue);
    if (b !== h)
      changes.push({
        setting,
        ...(b === undefined ? {} : { base: b }),
        ...(h === undefined ? {} : { head: h }),
      });
  };
  const config: Config = structuredClone(head);

  compare(
    'apparmor.includeDirs',
    shownDirs(base.apparmor.includeDirs, base.root),
    shownDirs(head.apparmor.includeDirs, head.root),
  );
  config.apparmor.includeDirs = rebase(base.apparmor.includeDirs, base.root, head.root);

  compare('falco.baseline', base.falco.baseline, head.falco.baseline);
  config.falco.baseline = [...base.falco.baseline];

  compare('gitlab.tokenVariable', base.gitlab.tokenVariable, head.gitlab.tokenVariable);
  config.gitlab = { ...base.gitlab };

  compare('clusterManagementProject', base.clusterManagementProject, head.clusterManagementProject);
  if (base.clusterManagementProject)
    config.clusterManagementProject = structuredClone(base.clusterManagementProject);
  else delete config.clusterManagementProject;

  // A target keeps the head's namespaces and mode (the change under review); how it is reached
  // is the base's target of the same name, and a target the base lacks is reached by nothing.
  const baseTargets = new Map(base.targets.map((t) => [t.name, t]));
  const names = [...new Set([...base.targets, ...head.targets].map((t) => t.name))];
  for (const name of names) {
    const before = targetSteering(baseTargets.get(name));
    const after = targetSteering(head.targets.find((t) => t.name === name));
    for (const key of TARGET_STEERING) compare(`targets[${name}].${key}`, before[key], after[key]);
  }
  config.targets = head.targets.map((target) => {
    const kept: TargetConfig = { ...target };
    for (const key of TARGET_STEERING) delete kept[key];
    return { ...kept, ...targetSteering(baseTargets.get(target.name)) };
  });

  // Files and globs are the repository's data; the sources reached over the network are the base's.
  const remote = (events: readonly unknown[]): unknown[] => events.filter(isRemoteEventSource);
  const baseRemote = remote(base.preview.events);
  const headRemote = remote(head.preview.events);
  const count = Math.max(baseRemote.length, headRemote.length);
  for (let i = 0; i < count; i++) {
    const name = remoteEntryName(headRemote[i] ?? baseRemote[i], i);
    compare(`preview.events[${name}]`, baseRemote[i], headRemote[i]);
  }
  config.preview = {
    ...config.preview,
    events: [
      ...head.preview.events.filter((e) => !isRemoteEventSource(e)),
      ...baseRemote,
    ] as Config['preview']['events'],
  };
  return { config, changes };
}
