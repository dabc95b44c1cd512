/**
 * `chs.yaml`: read, validated against `schemas/chs.schema.json` (the same file editors use for
 * completion) and turned into a configuration with every default filled in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic, Severity } from './diagnostic.js';
import { DEFAULT_TEST_PATHS, displayPath } from './discovery.js';
import type { PathsConfig } from './discovery.js';
import type { Mode } from './kinds.js';
import { OUTSIDE_REASON, Reach } from './reach.js';
import { readTextFile } from './read.js';
import { validateAgainstSchema } from './schema.js';
import type { SourceFile } from './source.js';
import { parseYaml } from './yaml.js';
import type { YamlNode } from './yaml.js';

export const CONFIG_FILE_NAMES = ['chs.yaml', 'chs.yml'];

export interface TargetConfig {
  name: string;
  kubeContext?: string;
  kubeconfig?: string;
  namespaces?: string[];
  mode?: Mode;
  via?: 'apply' | 'cluster-management-project';
}

interface ClusterManagementProjectConfig {
  project: string;
  branch?: string;
  directory: string;
  mergeRequest?: boolean;
}

/** How `chs render` shapes the objects that deploy the policies (chs.yaml `render`). */
export interface RenderConfig {
  /** Namespace of the profile loader and its ConfigMaps (created by the deploy). */
  namespace: string;
  /** Namespace of the falcosecurity/falco release (not created by chs). */
  falcoNamespace: string;
  /** Image of the profile loader DaemonSet. */
  loaderImage: string;
  /** seccomp profiles onto the nodes by the loader, or as Security Profiles Operator objects. */
  seccompDelivery: 'loader' | 'operator';
  /** The kubelet's root directory on the nodes. */
  kubeletDir: string;
}

/** Credentials of an event store: the names of the environment variables that hold them. */
export interface StoreAuth {
  tokenEnv?: string;
  apiKeyEnv?: string;
  userEnv?: string;
  passwordEnv?: string;
}

/** The time an event store is read over: `since` back from now, or `from`/`to` (RFC 3339). */
interface StoreWindowConfig {
  since?: string;
  from?: string;
  to?: string;
}

export interface LokiSourceConfig extends StoreAuth, StoreWindowConfig {
  url: string;
  /** A LogQL stream selector, with an optional line filter pipeline. */
  query: string;
  /** X-Scope-OrgID. */
  tenant?: string;
  /** Lines per query (Loki's max_entries_limit_per_query, 5,000 by default). */
  limit?: number;
  /** The longest window one query covers (below Loki's max_query_length). */
  split?: string;
}

export interface ElasticsearchSourceConfig extends StoreAuth, StoreWindowConfig {
  url: string;
  /** An index, alias or pattern (falco-*). */
  index: string;
  /** A query DSL filter, added to the time range. */
  query?: Record<string, unknown>;
  /** Documents per page (at most 10,000). */
  pageSize?: number;
}

/** One entry of `preview.events`: a file or glob, or a store. */
export type EventSourceConfig =
  string | { loki: LokiSourceConfig } | { elasticsearch: ElasticsearchSourceConfig };

export interface Config {
  /** Absolute path of the repository root (where chs.yaml is, or the working directory). */
  root: string;
  /** The configuration file, when there is one. */
  source?: SourceFile;
  /** The configuration's YAML tree, for findings that point into it. */
  tree?: YamlNode | null;
  paths: PathsConfig;
  rules: Record<string, Severity | 'off'>;
  mode: Mode;
  falco: { baseline: string[]; ruleMatching: 'first' | 'all' };
  apparmor: { includeDirs: string[]; abi?: 3 | 4 };
  seccomp: { runtime: 'kubernetes' | 'docker' };
  /** Never empty: without configured targets there is one, `default`. */
  targets: TargetConfig[];
  clusterManagementProject?: ClusterManagementProjectConfig;
  preview: { events: EventSourceConfig[]; snapshot?: string };
  /** `chs render --recorder`: where the recorder rules file goes, and which namespaces it records. */
  recorder: { out: string; namespaces?: string[] };
  gitlab: { tokenVariable: string };
  render: RenderConfig;
}

let schemaCache: Record<string, unknown> | undefined;

/** The package's root directory (where package.json and schemas/ are), from source or build. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the package root (schemas/ missing)');
}

function configSchema(): Record<string, unknown> {
  schemaCache ??= JSON.parse(
    readFileSync(join(packageRoot(), 'schemas', 'chs.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  return schemaCache;
}

export function defaultConfig(root: string): Config {
  return {
    root,
    paths: { tests: [...DEFAULT_TEST_PATHS] },
    rules: {},
    mode: 'monitor',
    falco: { baseline: [], ruleMatching: 'first' },
    apparmor: { includeDirs: [] },
    seccomp: { runtime: 'kubernetes' },
    targets: [{ name: 'default' }],
    preview: { events: [] },
    recorder: { out: 'chs-recorder.yaml' },
    gitlab: { tokenVariable: 'CHS_GITLAB_TOKEN' },
    render: {
      namespace: 'container-host-security',
      falcoNamespace: 'falco',
      loaderImage: 'debian:bookworm-slim',
      seccompDelivery: 'loader',
      kubeletDir: '/var/lib/kubelet',
    },
  };
}

export interface LoadedConfig {
  config: Config;
  /** Problems with chs.yaml: any of them makes the command exit 2. */
  problems: Diagnostic[];
}

function configProblem(file: string, message: string, range?: { start: number; end: number }): Diagnostic {
  return { file, ...(range ? { range } : {}), severity: 'error', ruleId: 'chs/config', message };
}

/** Finds and loads chs.yaml in `root`. A missing file is no problem: the defaults apply. */
export function loadConfig(root: string, cwd: string): LoadedConfig {
  const absoluteRoot = resolve(root);
  const config = defaultConfig(absoluteRoot);
  const name = CONFIG_FILE_NAMES.find((n) => existsSync(join(absoluteRoot, n)));
  if (name === undefined) return { config, problems: [] };
  const absolute = join(absoluteRoot, name);
  const display = displayPath(absolute, cwd);
  if (!new Reach([absoluteRoot]).contains(absolute))
    return { config, problems: [configProblem(display, `${name} is ${OUTSIDE_REASON}`)] };
  const read = readTextFile(absolute, display, 1024 * 1024);
  if (!read.ok) return { config, problems: [configProblem(display, read.failure.message)] };
  const source = read.file;
  config.source = source;
  const parsed = parseYaml(source.text);
  if (!parsed.ok) {
    const at = parsed.error.offset;
    return {
      config,
      problems: [configProblem(display, `invalid YAML: ${parsed.error.message}`, { start: at, end: at })],
    };
  }
  if (parsed.documents.length > 1) {
    const second = parsed.documents[1]?.root;
    return {
      config,
      problems: [
        configProblem(
          display,
          'chs.yaml must hold one YAML document',
          second ? { start: second.start, end: second.start } : undefined,
        ),
      ],
    };
  }
  const document = parsed.documents[0];
  const tree = document?.root ?? null;
  config.tree = tree;
  const raw = (document?.value ?? {}) as Record<string, unknown>;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      config,
      problems: [
        configProblem(
          display,
          'chs.yaml must be a mapping of settings',
          tree ? { start: tree.start, end: tree.end } : undefined,
        ),
      ],
    };
  }
  const problems = validateAgainstSchema(configSchema(), raw, tree).map((p) =>
    configProblem(display, p.message, p.range),
  );
  for (const duplicate of document?.duplicateKeys ?? []) {
    problems.push(
      configProblem(display, `duplicate key "${String(duplicate.value)}"`, {
        start: duplicate.start,
        end: duplicate.end,
      }),
    );
  }
  if (problems.length > 0) return { config, problems };
  applyRaw(config, raw);
  return { config, problems };
}

interface RawConfig {
  /** By kind in camelCase (`podSecurity`), and `tests`; the schema says which keys exist. */
  paths?: Record<string, string[]>;
  rules?: Record<string, Severity | 'off'>;
  mode?: Mode;
  falco?: { baseline?: string[]; ruleMatching?: 'first' | 'all' };
  apparmor?: { includeDirs?: string[]; abi?: 3 | 4 | '3' | '4' };
  seccomp?: { runtime?: 'kubernetes' | 'docker' };
  targets?: TargetConfig[];
  clusterManagementProject?: Omit<ClusterManagementProjectConfig, 'directory'> & { directory?: string };
  preview?: { events?: EventSourceConfig[]; snapshot?: string };
  recorder?: { out?: string; namespaces?: string[] };
  gitlab?: { tokenVariable?: string };
  render?: Partial<RenderConfig>;
}

function applyRaw(config: Config, raw: RawConfig): void {
  for (const [key, globs] of Object.entries(raw.paths ?? {}))
    config.paths[key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)] = globs;
  config.rules = raw.rules ?? {};
  if (raw.mode) config.mode = raw.mode;
  config.falco = { baseline: raw.falco?.baseline ?? [], ruleMatching: raw.falco?.ruleMatching ?? 'first' };
  config.apparmor = { includeDirs: (raw.apparmor?.includeDirs ?? []).map((d) => resolve(config.root, d)) };
  if (raw.apparmor?.abi !== undefined) config.apparmor.abi = Number(raw.apparmor.abi) as 3 | 4;
  config.seccomp = { runtime: raw.seccomp?.runtime ?? 'kubernetes' };
  if (raw.targets && raw.targets.length > 0) config.targets = raw.targets;
  if (raw.clusterManagementProject) {
    config.clusterManagementProject = {
      ...raw.clusterManagementProject,
      directory: raw.clusterManagementProject.directory ?? 'applications/container-host-security',
    };
  }
  config.preview = { events: raw.preview?.events ?? [] };
  if (raw.preview?.snapshot !== undefined) config.preview.snapshot = raw.preview.snapshot;
  config.recorder = { out: raw.recorder?.out ?? 'chs-recorder.yaml' };
  if (raw.recorder?.namespaces) config.recorder.namespaces = raw.recorder.namespaces;
  config.gitlab = { tokenVariable: raw.gitlab?.tokenVariable ?? 'CHS_GITLAB_TOKEN' };
  if (raw.render) config.render = { ...config.render, ...raw.render };
}

/** The mode of a policy: its own, else its target's, else the configuration's default. */
export function effectiveMode(config: Config, own: Mode | undefined, targetName?: string): Mode {
  if (own) return own;
  const target =
    config.targets.find((t) => t.name === targetName) ??
    (config.targets.length === 1 ? config.targets[0] : undefined);
  return target?.mode ?? config.mode;
}
