/**
 * `chs import gitlab-cmp`: a cluster management project of GitLab's Container Host Security, as
 * GitLab documented it, turned into a policy repository. GitLab's template keeps one directory per
 * application (`applications/falco/values.yaml` for the falcosecurity/falco chart,
 * `applications/apparmor/values.yaml` for GitLab's AppArmor chart; before 14.0 the same files sat
 * under `.gitlab/managed-apps/`). What is carried: the Falco chart's `customRules`, the AppArmor
 * chart's `profiles` and `securityPolicies`, and PodSecurityPolicy manifests anywhere in the
 * project. Everything else is listed in the report and, for chart values, kept aside in a file.
 *
 * Pure planning: the files to write and the report; the command writes them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { walkFiles } from '../core/discovery.js';
import type { WalkProblem } from '../core/discovery.js';
import { relativePosix } from '../core/paths.js';
import { Reach } from '../core/reach.js';
import { readTextFile } from '../core/read.js';
import { parseYaml } from '../core/yaml.js';
import type { YamlMap, YamlNode } from '../core/yaml.js';
import { LEGACY_API_VERSIONS, translatePsp } from '../languages/pod-security/index.js';
import { toYaml } from '../render/yaml.js';
import { textOf } from '../core/text.js';

/** Where GitLab's template (14.0 and later) and the older CI-based managed apps kept the values. */
const APPLICATION_DIRS: readonly string[] = ['applications', '.gitlab/managed-apps'];
/** Chart values and the import report, beside the policies (not policy files). */
const KEPT_DIR = 'gitlab-cmp-import';
export const REPORT_FILE = `${KEPT_DIR}/REPORT.md`;
const TARGET_NAME = 'gitlab-cmp';

const APPARMOR_DEFAULT = 'apparmor.security.beta.kubernetes.io/defaultProfileName';
const APPARMOR_ALLOWED = 'apparmor.security.beta.kubernetes.io/allowedProfileNames';

export interface ReportEntry {
  /** The source file, relative to the cluster management project. */
  file: string;
  /** 1-based line in that file, where there is one. */
  line?: number;
  /** `carried`: written to the repository; `not-carried`: listed, not carried; `action`: to do by hand. */
  kind: 'carried' | 'not-carried' | 'action';
  message: string;
}

/** A test case the import writes for a carried policy: what the PodSecurityPolicy did, kept true. */
interface StarterCase {
  name: string;
  podSecurity: {
    policy: string;
    object: Record<string, unknown>;
    expect: { allowed: boolean; messageContains: string };
  };
}

export interface ImportPlan {
  /** Path relative to the output directory -> content. */
  files: Map<string, string>;
  report: ReportEntry[];
}

export interface ImportOptions {
  /** The GitLab path of the cluster management project (else from its git remote). */
  project?: string;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A file name that a path and a ConfigMap key can both carry. */
function safeName(name: string, fallback: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '');
  return cleaned || fallback;
}

/** `group/project` from the checkout's `origin` remote, when it has one. */
export function projectFromGit(dir: string): string | undefined {
  let config: string;
  try {
    config = readFileSync(join(dir, '.git', 'config'), 'utf8');
  } catch {
    return undefined;
  }
  const origin = /\[remote "origin"\][^[]*?\burl\s*=\s*(\S+)/.exec(config)?.[1];
  if (!origin) return undefined;
  const path = /^(?:[a-z+]+:\/\/[^/]+\/|[^@/]+@[^:]+:)(.+?)(?:\.git)?\/?$/.exec(origin)?.[1];
  return path && /^[\w.-]+(?:\/[\w.-]+)+$/.test(path) ? path : undefined;
}

class Planner {
  readonly files = new Map<string, string>();
  readonly report: ReportEntry[] = [];
  readonly cases: StarterCase[] = [];

  constructor(readonly dir: string) {}

  say(file: string, kind: ReportEntry['kind'], message: string, line?: number): void {
    this.report.push(line === undefined ? { file, kind, message } : { file, kind, message, line });
  }

  /** A path not yet taken: `name`, else `name-2`... */
  claim(dir: string, name: string): string {
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let path = `${dir}/${name}`;
    for (let n = 2; this.files.has(path); n++) path = `${dir}/${stem}-${n}${ext}`;
    return path;
  }

  read(rel: string): { text: string; root: YamlMap | undefined } | undefined {
    const read = readTextFile(join(this.dir, rel), rel);
    if (!read.ok) {
      this.say(rel, 'not-carried', `could not be read (${read.failure.message})`);
      return undefined;
    }
    const parsed = parseYaml(read.file.text);
    if (!parsed.ok) {
      this.say(
        rel,
        'not-carried',
        `is not valid YAML (${parsed.error.message}); nothing of it was carried`,
        lineOf(read.file.text, parsed.error.offset),
      );
      return undefined;
    }
    const root = parsed.documents[0]?.root;
    return { text: read.file.text, root: root?.kind === 'map' ? root : undefined };
  }

  /** The values besides the carried keys, kept aside in a file of their own. */
  keepAside(rel: string, text: string, root: YamlMap, carried: readonly string[], app: string): void {
    const rest = root.pairs.filter((p) => !carried.includes(p.key));
    if (rest.length === 0) return;
    const aside = `${KEPT_DIR}/${app}-values.yaml`;
    const kept: Record<string, unknown> = {};
    for (const pair of rest) kept[pair.key] = pair.value.value;
    this.files.set(
      aside,
      `# The values of ${rel} that chs does not deploy, kept for reference.\n` + toYaml(kept),
    );
    for (const pair of rest)
      this.say(
        rel,
        'not-carried',
        `\`${pair.key}\` is a value of the ${app} chart that chs does not deploy: kept aside in ${aside}`,
        lineOf(text, pair.keyNode.start),
      );
  }

  falco(rel: string): void {
    const values = this.read(rel);
    if (!values?.root) return;
    const { text, root } = values;
    const custom = root.pairs.find((p) => p.key === 'customRules');
    if (custom?.value.kind === 'map') {
      for (const entry of custom.value.pairs) {
        const line = lineOf(text, entry.keyNode.start);
        if (entry.value.kind !== 'scalar' || typeof entry.value.value !== 'string') {
          this.say(rel, 'not-carried', `customRules \`${entry.key}\` is not a rules text`, line);
          continue;
        }
        const name = safeName(entry.key, 'rules.yaml');
        const path = this.claim('policies/falco', /\.ya?ml$/.test(name) ? name : `${name}.yaml`);
        this.files.set(path, entry.value.value.endsWith('\n') ? entry.value.value : `${entry.value.value}\n`);
        this.say(rel, 'carried', `customRules \`${entry.key}\` -> ${path}`, line);
      }
    } else if (custom) {
      this.say(
        rel,
        'not-carried',
        '`customRules` is not a map of file names to rules',
        lineOf(text, custom.keyNode.start),
      );
    }
    this.keepAside(rel, text, root, ['customRules'], 'falco');
  }

  apparmor(rel: string): void {
    const values = this.read(rel);
    if (!values?.root) return;
    const { text, root } = values;
    const profiles = root.pairs.find((p) => p.key === 'profiles');
    if (profiles?.value.kind === 'map') {
      for (const entry of profiles.value.pairs) {
        const line = lineOf(text, entry.keyNode.start);
        if (entry.value.kind !== 'scalar' || typeof entry.value.value !== 'string') {
          this.say(rel, 'not-carried', `profile \`${entry.key}\` is not a profile text`, line);
          continue;
        }
        const path = this.claim('policies/apparmor', safeName(entry.key, 'profile'));
        this.files.set(path, entry.value.value.endsWith('\n') ? entry.value.value : `${entry.value.value}\n`);
        this.say(rel, 'carried', `profile \`${entry.key}\` -> ${path}`, line);
      }
    }
    const policies = root.pairs.find((p) => p.key === 'securityPolicies');
    if (policies?.value.kind === 'map') {
      for (const entry of policies.value.pairs)
        this.securityPolicy(rel, entry.key, entry.value, lineOf(text, entry.keyNode.start));
    }
    this.keepAside(rel, text, root, ['profiles', 'securityPolicies'], 'apparmor');
  }

  /** The chart makes a PodSecurityPolicy of each entry, with AppArmor annotations from its profiles. */
  private securityPolicy(rel: string, name: string, node: YamlNode, line: number): void {
    const entry = node.kind === 'map' ? (node.value as Record<string, unknown>) : undefined;
    if (!entry) {
      this.say(rel, 'not-carried', `securityPolicies \`${name}\` is not a mapping`, line);
      return;
    }
    const localhost = (profile: unknown): string =>
      String(profile).includes('/') ? String(profile) : `localhost/${String(profile)}`;
    const annotations: Record<string, string> = {};
    if (entry.defaultProfile !== undefined) annotations[APPARMOR_DEFAULT] = localhost(entry.defaultProfile);
    if (Array.isArray(entry.allowedProfiles))
      annotations[APPARMOR_ALLOWED] = entry.allowedProfiles.map(localhost).join(',');
    for (const key of Object.keys(entry))
      if (!['defaultProfile', 'allowedProfiles', 'spec'].includes(key))
        this.say(
          rel,
          'not-carried',
          `securityPolicies \`${name}\`: \`${key}\` is not a key the AppArmor chart reads`,
          line,
        );
    const psp = {
      apiVersion: 'policy/v1beta1',
      kind: 'PodSecurityPolicy',
      metadata: { name, annotations },
      spec: typeof entry.spec === 'object' && entry.spec !== null ? entry.spec : {},
    };
    this.translate(rel, `securityPolicies \`${name}\``, psp, line);
  }

  translate(rel: string, what: string, psp: Record<string, unknown>, line: number | undefined): void {
    const { document, notes, suggestedLevel } = translatePsp(psp);
    const path = this.claim('policies/pod-security', `${document.metadata.name}.yaml`);
    this.files.set(
      path,
      `# Translated by chs import gitlab-cmp from ${what} in ${rel}.\n# A PodSecurityPolicy applied to whoever RBAC let \`use\` it; this policy applies to every namespace\n# of the target: narrow it with spec.namespaces. Level that admits what the PSP admitted: ${suggestedLevel}.\n` +
        toYaml(document),
    );
    this.say(rel, 'carried', `${what} -> ${path}`, line);
    if (document.spec.controls?.privileged === false)
      this.cases.push({
        name: `${document.metadata.name} rejects a privileged container, as ${what} did`,
        podSecurity: {
          policy: document.metadata.name,
          object: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'privileged' },
            spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
          },
          expect: { allowed: false, messageContains: 'privileged' },
        },
      });
    for (const note of notes)
      this.say(
        rel,
        'not-carried',
        `${what}: ${note.field} ${note.messageId === 'mutating' ? 'changed pods (PodSecurityPolicy mutated them); nothing changes pods now' : 'has no faithful translation'}: ${note.hint}`,
        line,
      );
  }

  /** PodSecurityPolicy manifests anywhere in the project (not Helm templates). */
  manifests(skip: ReadonlySet<string>): void {
    const problems: WalkProblem[] = [];
    for (const absolute of walkFiles(this.dir, problems, this.dir, new Reach([this.dir]))) {
      const rel = relativePosix(this.dir, absolute);
      if (skip.has(rel) || !/\.ya?ml$/i.test(rel)) continue;
      const read = readTextFile(absolute, rel);
      if (!read.ok || !/kind:\s*["']?PodSecurityPolicy\b/.test(read.file.text)) continue;
      const parsed = parseYaml(read.file.text);
      if (!parsed.ok) {
        this.say(
          rel,
          'not-carried',
          `names a PodSecurityPolicy but is not plain YAML (a Helm template?): translate it by hand, or render it and import the output`,
          lineOf(read.file.text, parsed.error.offset),
        );
        continue;
      }
      for (const doc of parsed.documents) {
        const value = doc.root?.value as Record<string, unknown> | undefined;
        if (!value || value.kind !== 'PodSecurityPolicy') continue;
        const line = doc.root ? lineOf(read.file.text, doc.root.start) : undefined;
        if (!LEGACY_API_VERSIONS.includes(String(value.apiVersion))) {
          this.say(
            rel,
            'not-carried',
            `PodSecurityPolicy with apiVersion ${String(value.apiVersion)}: not one of ${LEGACY_API_VERSIONS.join(', ')}`,
            line,
          );
          continue;
        }
        const name = textOf((value.metadata as Record<string, unknown> | undefined)?.name) || 'unnamed';
        this.translate(rel, `PodSecurityPolicy \`${name}\``, value, line);
      }
    }
    for (const problem of problems) this.say(problem.display, 'not-carried', problem.message);
  }
}

/** The applications of a directory of them, besides Falco and AppArmor. */
function applications(dir: string, base: string): string[] {
  try {
    return readdirSync(join(dir, base), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'falco' && e.name !== 'apparmor')
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function chsYaml(dir: string, project: string): string {
  return `# Imported by chs import gitlab-cmp from the cluster management project ${project}
# (${basename(dir)}). Schema: schemas/chs.schema.json of container-host-security.
version: 1
# GitLab's AppArmor chart loaded profiles in enforce mode and PodSecurityPolicies rejected pods;
# chs starts in monitor mode (complain, warn, audit). Set the target's mode to block once the
# merge request preview shows what it would block.
mode: monitor

targets:
  - name: ${TARGET_NAME}
    via: cluster-management-project

clusterManagementProject:
  project: ${project}
`;
}

export function planImport(dir: string, options: ImportOptions = {}): ImportPlan {
  const planner = new Planner(dir);
  const consumed = new Set<string>();
  const apps: string[] = [];
  for (const base of APPLICATION_DIRS) {
    for (const app of ['falco', 'apparmor'] as const) {
      for (const name of ['values.yaml', 'values.yml']) {
        const rel = `${base}/${app}/${name}`;
        const read = readTextFile(join(dir, rel), rel);
        if (!read.ok && read.failure.reason === 'missing') continue;
        consumed.add(rel);
        apps.push(`${base}/${app}`);
        if (app === 'falco') planner.falco(rel);
        else planner.apparmor(rel);
      }
    }
    for (const other of applications(dir, base))
      planner.say(
        `${base}/${other}`,
        'not-carried',
        `\`${other}\` is not part of Container Host Security: it stays in the cluster management project`,
      );
  }
  planner.manifests(consumed);
  const found = projectFromGit(dir);
  const project = options.project ?? found ?? basename(dir);
  if (!options.project && !found)
    planner.say(
      'chs.yaml',
      'action',
      `the project's GitLab path was not found (no git remote "origin" in ${basename(dir)}): chs.yaml names it "${project}"; set clusterManagementProject.project to its path (group/project), or import again with --project`,
    );
  planner.files.set('chs.yaml', chsYaml(dir, project));
  for (const app of new Set(apps))
    planner.say(
      'helmfile.yaml',
      'action',
      `once chs deploy has committed its application, remove \`${app}/helmfile.yaml\` from the cluster management project's helmfile.yaml: otherwise GitLab's ${basename(app)} release keeps running beside chs's`,
    );
  if (planner.cases.length > 0)
    planner.files.set(
      'policies/tests/imported.yaml',
      '# Written by chs import gitlab-cmp: what the imported policies did, as test cases (chs test).\n' +
        toYaml({ tests: planner.cases }),
    );
  if (apps.length === 0 && ![...planner.files.keys()].some((p) => p.startsWith('policies/')))
    planner.say(
      '.',
      'not-carried',
      `no ${APPLICATION_DIRS.map((d) => `${d}/falco/values.yaml`).join(' or ')}, no AppArmor values and no PodSecurityPolicy: is this a cluster management project?`,
    );
  return { files: planner.files, report: planner.report };
}
