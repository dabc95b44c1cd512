/** What a renderer gets and gives: policy files as text in, Kubernetes objects and files out. */
import type { RenderConfig, TargetConfig } from '../core/config.js';
import type { PathsConfig } from '../core/discovery.js';
import type { Mode, PolicyKind } from '../core/kinds.js';
import type { KubeObject } from '../kube/objects.js';

/** chs.yaml `render`: namespaces, loader image, kubelet directory. */
export type RenderSettings = RenderConfig;

export interface PolicyText {
  /** Path relative to the repository root, with forward slashes (names keys and objects). */
  path: string;
  /** Path as shown to the user. */
  display: string;
  text: string;
}

export interface RenderInput {
  target: TargetConfig;
  mode: Mode;
  files: PolicyText[];
  settings: RenderSettings;
  /** chs.yaml's paths: profile names follow them (core/delivery.ts). */
  paths: PathsConfig;
}

/** A file written beside the manifests (Helm values). */
export interface RenderedFile {
  path: string;
  content: string;
}

export interface RenderProblem {
  file: string;
  message: string;
  /** 1-based line, where there is one. */
  line?: number;
}

/** What the profile loader DaemonSet must mount and do for a kind. */
export interface LoaderNeed {
  configMap: string;
  /** Hash of what the loader puts on the node: a change rolls the DaemonSet. */
  hash: string;
}

export interface RenderContribution {
  objects: KubeObject[];
  files: RenderedFile[];
  problems: RenderProblem[];
  notes: string[];
  loader?: { apparmor?: LoaderNeed; seccomp?: LoaderNeed };
  /**
   * Namespaces that only get labels (Pod Security Admission levels): `{metadata: {name, labels}}`,
   * applied without our ownership labels, since the namespace itself is not ours.
   */
  namespaceLabels: KubeObject[];
}

/**
 * One per policy kind. Renderers read files as text and names; they are pure (same input, same
 * output) and know nothing of the cluster.
 */
export interface Renderer {
  kind: PolicyKind;
  render(input: RenderInput): RenderContribution;
}

export function emptyContribution(): RenderContribution {
  return { objects: [], files: [], problems: [], notes: [], namespaceLabels: [] };
}
