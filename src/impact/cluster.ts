/**
 * The cluster as the preview sees it: plain objects (a snapshot file or a live read, done by the
 * CLI), reduced to workloads deduplicated by controller, the profiles their containers name, and
 * an index from a running pod's name to the workload it belongs to (for recorded events).
 */
import type { Config } from '../core/config.js';
import { effectiveMode } from '../core/config.js';
import type { Mode } from '../core/kinds.js';
import type { PodFields } from '../kube/objects.js';

export interface ClusterObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
  spec?: unknown;
  [key: string]: unknown;
}

/**
 * The cluster: its objects, or those objects already reduced to workloads as they were read (a
 * snapshot of a large cluster is never all in memory).
 */
export type ClusterState =
  | {
      /** Where it came from, for the report. */
      source: string;
      objects: readonly ClusterObject[];
    }
  | { source: string; workloads: Workloads };

interface ContainerProfiles {
  container: string;
  /** `localhostProfile` of a Localhost AppArmor profile (field or annotation). */
  apparmor?: string;
  /** `localhostProfile` of a Localhost seccomp profile. */
  seccomp?: string;
}

/** The profile an event ran under (attribution.ts). */
export type Attribution =
  | { ok: true; workload: Workload; profile: string; namespace: string }
  /** The container runs without a Localhost profile of this kind. */
  | { ok: false; why: 'no-profile' | 'no-pod-fields' | 'unknown-pod' | 'ambiguous-container' };

/**
 * A workload's answers, kept on the workload itself (one lookup fewer per event than a map from
 * workloads): by kind for events that name no container, by kind and container name for the rest.
 */
interface AttributionMemo {
  apparmor?: Attribution;
  seccomp?: Attribution;
  named?: { apparmor: Map<string, Attribution>; seccomp: Map<string, Attribution> };
}

export interface Workload {
  namespace: string;
  /** `Deployment/cart`, `Pod/debug-shell`, `ReplicaSet/x` when its controller is not known. */
  owner: string;
  kind: string;
  name: string;
  /** The object to evaluate (a controller with its template, or a bare pod). */
  object: ClusterObject;
  containers: ContainerProfiles[];
  /** The profiles recorded events ran under, as attribution.ts found them (filled as it asks). */
  attribution?: AttributionMemo;
}

const CONTROLLER_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob'];
const CONTROLLERS = new Set(CONTROLLER_KINDS);

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function meta(object: ClusterObject): { name: string; namespace: string } {
  const m = isMap(object.metadata) ? object.metadata : {};
  return { name: str(m.name) ?? '', namespace: str(m.namespace) ?? 'default' };
}

/** The pod template (metadata and spec) of a pod or a controller. */
function podTemplate(
  object: ClusterObject,
): { metadata: Record<string, unknown>; spec: Record<string, unknown> } | undefined {
  const spec = isMap(object.spec) ? object.spec : undefined;
  if (!spec) return undefined;
  if (object.kind === 'Pod') return { metadata: isMap(object.metadata) ? object.metadata : {}, spec };
  if (object.kind === 'CronJob') {
    const job = isMap(spec.jobTemplate) && isMap(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
    const template = job && isMap(job.template) ? job.template : undefined;
    return template && isMap(template.spec)
      ? { metadata: isMap(template.metadata) ? template.metadata : {}, spec: template.spec }
      : undefined;
  }
  const template = isMap(spec.template) ? spec.template : undefined;
  return template && isMap(template.spec)
    ? { metadata: isMap(template.metadata) ? template.metadata : {}, spec: template.spec }
    : undefined;
}

function localhost(profile: unknown): string | undefined {
  if (!isMap(profile) || profile.type !== 'Localhost') return undefined;
  return str(profile.localhostProfile);
}

/** The Localhost profiles each container runs with (container settings win over the pod's). */
function containerProfiles(object: ClusterObject): ContainerProfiles[] {
  const template = podTemplate(object);
  if (!template) return [];
  const annotations = isMap(template.metadata.annotations) ? template.metadata.annotations : {};
  const podContext = isMap(template.spec.securityContext) ? template.spec.securityContext : {};
  const out: ContainerProfiles[] = [];
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = template.spec[key];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isMap(c)) continue;
      const name = str(c.name) ?? '';
      const context = isMap(c.securityContext) ? c.securityContext : {};
      const annotation = str(annotations[`container.apparmor.security.beta.kubernetes.io/${name}`]);
      const apparmor =
        context.appArmorProfile !== undefined
          ? localhost(context.appArmorProfile)
          : annotation?.startsWith('localhost/')
            ? annotation.slice('localhost/'.length)
            : localhost(podContext.appArmorProfile);
      const seccomp =
        context.seccompProfile !== undefined
          ? localhost(context.seccompProfile)
          : localhost(podContext.seccompProfile);
      out.push({ container: name, ...(apparmor ? { apparmor } : {}), ...(seccomp ? { seccomp } : {}) });
    }
  }
  return out;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A pod's name as its controller makes it: `web-<hash>-<id>`, `db-0`, `job-<id>`, `cron-<n>-<id>`. */
function madeBy(kind: string, controller: string, pod: string): boolean {
  if (!pod.startsWith(`${controller}-`)) return false;
  const rest = pod.slice(controller.length + 1);
  switch (kind) {
    case 'Deployment':
      return /^[a-z0-9]{1,10}-[a-z0-9]{5}$/.test(rest) || /^[a-z0-9]{1,10}$/.test(rest);
    case 'StatefulSet':
      return /^\d+$/.test(rest);
    case 'CronJob':
      return /^\d+(-[a-z0-9]{5})?$/.test(rest);
    default:
      return /^[a-z0-9]{5}$/.test(rest);
  }
}

export interface Workloads {
  list: Workload[];
  /** The workload a running pod belongs to, by `namespace/pod`. */
  podOwner(namespace: string, pod: string): Workload | undefined;
  /** Namespace labels by name. */
  namespaceLabels: ReadonlyMap<string, Record<string, string>>;
  /** The `kubernetes.io/arch` of the node a running pod is on, when the state has both. */
  podArch(namespace: string, pod: string): string | undefined;
  /** The architectures of the state's nodes (`amd64`, `arm64`, ...), sorted. */
  architectures: readonly string[];
}

const ARCH_LABEL = 'kubernetes.io/arch';

const computed = new WeakMap<ClusterState, Workloads>();

export function workloadsOf(state: ClusterState): Workloads {
  if ('workloads' in state) return state.workloads;
  let workloads = computed.get(state);
  if (!workloads) {
    const builder = new WorkloadsBuilder();
    for (const object of state.objects) builder.add(object);
    computed.set(state, (workloads = builder.finish()));
  }
  return workloads;
}

/** What is kept of a pod until every controller is known: enough to find its workload. */
interface PodMark {
  name: string;
  namespace: string;
  ownerKind?: string;
  ownerName?: string;
  /** `namespace/kind/name` of the owner, as byKey has it. */
  ownerKey?: string;
  nodeName?: string;
  /** The pod itself, when it may stand for its workload (the first pod of its owner, or a bare pod). */
  object?: ClusterObject;
  /** Its containers' profiles, with `object`. */
  containers?: ContainerProfiles[];
}

/** What tells a pod's workload, from the whole pod. */
function podFields(pod: ClusterObject): PodFields {
  const metadata = isMap(pod.metadata) ? pod.metadata : {};
  return {
    name: str(metadata.name) ?? '',
    namespace: metadata.namespace,
    ownerReferences: metadata.ownerReferences,
    nodeName: isMap(pod.spec) ? pod.spec.nodeName : undefined,
  };
}

/** A pod as a workload needs it: its status (and managed fields) are let go. */
function podForWorkload(pod: ClusterObject): ClusterObject {
  const metadata = isMap(pod.metadata) ? { ...pod.metadata } : pod.metadata;
  if (isMap(metadata)) delete metadata.managedFields;
  return { apiVersion: pod.apiVersion, kind: pod.kind, metadata, spec: pod.spec };
}

/**
 * Controllers and bare pods, fed one object at a time (a snapshot as it is read); a pod whose
 * controller is in the state counts once, through it (a Deployment's ReplicaSet's pods are the
 * Deployment). A pod owned by something absent from the state stands for that owner. Pods may come
 * before their controllers: each is kept as a mark until `finish`.
 */
export class WorkloadsBuilder {
  private readonly list: Workload[] = [];
  private readonly byKey = new Map<string, Workload>();
  private readonly controllers = new Map<string, Workload[]>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly pods: PodMark[] = [];
  /** Owners (`namespace/kind/name`) whose first pod is kept. */
  private readonly ownersSeen = new Set<string>();
  private readonly nodeArch = new Map<string, string>();

  /**
   * `keep`: what is kept of an object a workload may stand on (a controller, a pod that may stand
   * for its owner), once its containers' profiles are read: the object itself, or a stand-in for it
   * (the snapshot worker posts the objects as they come: `src/impact/snapshot-thread.ts`).
   */
  constructor(private readonly keep: (object: ClusterObject) => ClusterObject = (object) => object) {}

  /** The pod, kept on its mark: it may stand for its workload. */
  private standFor(mark: PodMark, pod: ClusterObject): void {
    const object = podForWorkload(pod);
    mark.containers = containerProfiles(object);
    mark.object = this.keep(object);
  }

  add(object: ClusterObject): void {
    const kind = str(object.kind) ?? '';
    const m = meta(object);
    if (kind === 'Node') {
      const labels = isMap(object.metadata) && isMap(object.metadata.labels) ? object.metadata.labels : {};
      const arch = str(labels[ARCH_LABEL]);
      if (arch) this.nodeArch.set(m.name, arch);
    } else if (kind === 'Namespace') {
      const labels = isMap(object.metadata) && isMap(object.metadata.labels) ? object.metadata.labels : {};
      this.namespaceLabels.set(
        m.name,
        Object.fromEntries(Object.entries(labels).filter(([, v]) => typeof v === 'string')) as Record<
          string,
          string
        >,
      );
    } else if (kind === 'Pod') this.addPod(podFields(object), () => object);
    else if (CONTROLLERS.has(kind)) {
      const w: Workload = {
        namespace: m.namespace,
        owner: `${kind}/${m.name}`,
        kind,
        name: m.name,
        object: this.keep(object),
        containers: containerProfiles(object),
      };
      this.list.push(w);
      this.byKey.set(`${m.namespace}/${w.owner}`, w);
      const inNs = this.controllers.get(m.namespace) ?? [];
      inNs.push(w);
      this.controllers.set(m.namespace, inNs);
    }
  }

  /**
   * A pod by what tells its workload (a large snapshot's pods are read no further); `whole` gives
   * the pod itself, asked only when it may stand for its workload.
   */
  addPod(pod: PodFields, whole: () => ClusterObject): void {
    const namespace = str(pod.namespace) ?? 'default';
    const mark: PodMark = { name: pod.name, namespace };
    const node = str(pod.nodeName);
    if (node !== undefined) mark.nodeName = node;
    const owners = Array.isArray(pod.ownerReferences) ? (pod.ownerReferences as unknown[]) : [];
    const owner = owners.find((o) => isMap(o) && o.controller === true) ?? owners[0];
    if (isMap(owner) && typeof owner.kind === 'string' && typeof owner.name === 'string') {
      mark.ownerKind = owner.kind;
      mark.ownerName = owner.name;
      // Every pod of an owner finds the same workload: only the first may have to stand for it.
      const key = `${namespace}/${owner.kind}/${owner.name}`;
      mark.ownerKey = key;
      if (!this.ownersSeen.has(key)) {
        this.ownersSeen.add(key);
        this.standFor(mark, whole());
      }
    } else this.standFor(mark, whole());
    this.pods.push(mark);
  }

  /** The workloads, each pod placed: `workloadsFrom(builder.state())` answers the preview. */
  finish(): Workloads {
    return workloadsFrom(this.state());
  }

  /**
   * The workloads as plain data, each pod placed (what a worker thread posts to the main one:
   * `src/impact/snapshot-thread.ts`). The builder is spent after.
   */
  state(): WorkloadsState {
    const { list, byKey, controllers, namespaceLabels, nodeArch } = this;
    // namespace -> pod -> workload (undefined: looked up and not found), without string keys per event.
    const podIndex = new Map<string, Map<string, Workload | undefined>>();
    // namespace -> pod -> architecture of its node.
    const podArchs = new Map<string, Map<string, string>>();
    // namespace -> `kind/name` -> the first controller of that name and its place in the
    // namespace's list (a kind holds no slash: the key is the same for one controller only).
    const firstController = new Map<string, Map<string, Listed>>();
    for (const [namespace, inNs] of controllers) {
      const named = new Map<string, Listed>();
      inNs.forEach((workload, at) => {
        const key = `${workload.kind}/${workload.name}`;
        if (!named.has(key)) named.set(key, { workload, at });
      });
      firstController.set(namespace, named);
    }
    const makerOf = (namespace: string, kind: string, name: string): Workload | undefined =>
      kind === 'ReplicaSet'
        ? maker(firstController, namespace, name, ['Deployment'], (w) => madeBy('Deployment', w.name, name))
        : kind === 'Job'
          ? maker(firstController, namespace, name, ['CronJob'], (w) =>
              /^\d+$/.test(name.slice(w.name.length + 1)),
            )
          : undefined;
    for (const pod of this.pods) {
      const arch = pod.nodeName === undefined || nodeArch.size === 0 ? undefined : nodeArch.get(pod.nodeName);
      if (arch) {
        let inNs = podArchs.get(pod.namespace);
        if (!inNs) podArchs.set(pod.namespace, (inNs = new Map<string, string>()));
        inNs.set(pod.name, arch);
      }
      let workload: Workload | undefined;
      const { ownerKind, ownerName, ownerKey } = pod;
      if (ownerKind !== undefined && ownerName !== undefined && ownerKey !== undefined) {
        workload = byKey.get(ownerKey);
        if (!workload) {
          workload = makerOf(pod.namespace, ownerKind, ownerName);
          // The owner's other pods find its controller at once.
          if (workload) byKey.set(ownerKey, workload);
        }
        if (!workload && pod.object) {
          workload = {
            namespace: pod.namespace,
            owner: `${ownerKind}/${ownerName}`,
            kind: ownerKind,
            name: ownerName,
            object: pod.object,
            containers: pod.containers ?? [],
          };
          byKey.set(ownerKey, workload);
          list.push(workload);
        }
      } else if (pod.object) {
        workload = {
          namespace: pod.namespace,
          owner: `Pod/${pod.name}`,
          kind: 'Pod',
          name: pod.name,
          object: pod.object,
          containers: pod.containers ?? [],
        };
        list.push(workload);
      }
      let inNs = podIndex.get(pod.namespace);
      if (!inNs) podIndex.set(pod.namespace, (inNs = new Map<string, Workload | undefined>()));
      inNs.set(pod.name, workload);
    }
    this.pods.length = 0;
    // The cluster's listing order (a snapshot file's, or the API server's per kind) must not change
    // the report: workloads are reported by namespace, then owner.
    list.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.owner, b.owner));
    return {
      list,
      podIndex,
      podArchs,
      firstController,
      namespaceLabels,
      architectures: [...new Set(nodeArch.values())].sort(),
    };
  }
}

/** A controller and its place in its namespace's listing. */
interface Listed {
  workload: Workload;
  at: number;
}

/**
 * What `WorkloadsBuilder.state` leaves: plain data (maps, arrays and objects), so that a worker
 * thread can post it whole; a structured clone keeps a workload shared by the list and the index
 * one object.
 */
export interface WorkloadsState {
  list: Workload[];
  /** namespace -> pod -> its workload (undefined: placed nowhere). */
  podIndex: Map<string, Map<string, Workload | undefined>>;
  /** namespace -> pod -> the architecture of its node. */
  podArchs: Map<string, Map<string, string>>;
  /** namespace -> `kind/name` -> the first controller of that name, for pods the state lacks. */
  firstController: Map<string, Map<string, Listed>>;
  namespaceLabels: Map<string, Record<string, string>>;
  architectures: string[];
}

/**
 * The controller a name was made from (`web-<hash>` from Deployment `web`): a controller's names
 * add one or two dash-separated parts to its own, so only those prefixes are looked up, not every
 * controller of the namespace. Of two that could have made it (`a` and `a-b` for `a-b-c9f7d`) the
 * first listed wins.
 */
function maker(
  firstController: WorkloadsState['firstController'],
  namespace: string,
  name: string,
  kinds: readonly string[],
  made: (w: Workload) => boolean,
): Workload | undefined {
  const named = firstController.get(namespace);
  if (!named) return undefined;
  const last = name.lastIndexOf('-');
  let found: Listed | undefined;
  for (const cut of [last, name.lastIndexOf('-', last - 1)]) {
    if (cut < 0) continue;
    for (const kind of kinds) {
      const candidate = named.get(`${kind}/${name.slice(0, cut)}`);
      if (candidate && (!found || candidate.at < found.at) && made(candidate.workload)) found = candidate;
    }
  }
  return found?.workload;
}

/** The preview's questions, answered from a builder's state (built here or in a worker thread). */
export function workloadsFrom(state: WorkloadsState): Workloads {
  const { list, podIndex, podArchs, firstController, namespaceLabels, architectures } = state;
  // Several sections ask about the same event in a row: the last answer is kept (in plain
  // variables: this runs for every recorded event).
  let lastNamespace: string | undefined;
  let lastPod: string | undefined;
  let lastWorkload: Workload | undefined;
  return {
    list,
    namespaceLabels,
    architectures,
    podArch: (namespace, pod) => podArchs.get(namespace)?.get(pod),
    podOwner(namespace, pod) {
      if (namespace === lastNamespace && pod === lastPod) return lastWorkload;
      let inNs = podIndex.get(namespace);
      if (!inNs) podIndex.set(namespace, (inNs = new Map<string, Workload | undefined>()));
      let found = inNs.get(pod);
      if (found === undefined && !inNs.has(pod)) {
        found = maker(firstController, namespace, pod, CONTROLLER_KINDS, (w) => madeBy(w.kind, w.name, pod));
        if (inNs.size < 100_000) inNs.set(pod, found);
      }
      lastNamespace = namespace;
      lastPod = pod;
      lastWorkload = found;
      return found;
    },
  };
}

/** The target a namespace deploys to (the first whose namespaces include it, else one without a list). */
export function targetOf(config: Config, namespace: string | undefined): string | undefined {
  const targets = config.targets;
  if (namespace !== undefined) {
    const named = targets.find((t) => t.namespaces?.includes(namespace));
    if (named) return named.name;
  }
  const open = targets.find((t) => !t.namespaces || t.namespaces.length === 0);
  return open?.name ?? (namespace === undefined ? targets[0]?.name : undefined);
}

/** A policy's mode where it counts: `block` when any target enforces it. */
export function strongestMode(config: Config, own: Mode | undefined): Mode {
  return config.targets.some((t) => effectiveMode(config, own, t.name) === 'block') ? 'block' : 'monitor';
}

/** A policy's mode in a namespace (its target's), `monitor` for a namespace no target covers. */
export function modeIn(config: Config, own: Mode | undefined, namespace: string): Mode {
  const target = targetOf(config, namespace);
  if (target === undefined) return own ?? 'monitor';
  return effectiveMode(config, own, target);
}
