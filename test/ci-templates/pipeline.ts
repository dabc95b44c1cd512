/**
 * Enough of GitLab's pipeline creation to check our templates as users include them: `include:`
 * (local, project, remote, component; nested includes resolved in the right project), inputs and
 * interpolation, the deep merge of included files under the including one, `workflow:rules` and
 * job `rules`, stages and `needs`, and then running a job's script lines with the variables GitLab
 * sets, as a runner would (sh, stop at the first failing line).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { globToRegExp } from '../../src/core/glob.js';
import { ExpressionError, evaluateIf } from './expression.js';
import { errorMessage, interpolateFile, isPlainObject, loadCiFile } from './inputs.js';
import type { Result } from './inputs.js';
import { textOf } from '../../src/core/text.js';

/** A GitLab project as includes see it: its path and a way to read a file at a ref. */
export interface Project {
  path: string;
  read(file: string, ref: string): string | undefined;
  /** Every file of the project, as GitLab lists them for `rules:exists` (when a test needs them). */
  files?: readonly string[];
}

export interface Instance {
  /** `gitlab.example.com`: what `$CI_SERVER_FQDN` holds. */
  fqdn: string;
  projects: readonly Project[];
}

interface IncludeContext {
  project: Project;
  ref: string;
}

const MAX_INCLUDES = 150;
const RESERVED = new Set([
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'variables',
  'stages',
  'include',
  'workflow',
  'default',
  'spec',
]);
const DEFAULT_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** `$VAR` and `${VAR}` replaced by their values (unknown ones by nothing), `$$` by `$`. */
function expandVariables(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced, bare) => {
      if (whole === '$$') return '$';
      return variables[(braced ?? bare) as string] ?? '';
    },
  );
}

export class Pipeline {
  private includes = 0;

  constructor(
    readonly instance: Instance,
    readonly variables: Readonly<Record<string, string>>,
  ) {}

  private project(path: string): Project | undefined {
    return this.instance.projects.find((project) => project.path === path);
  }

  /** The configuration of `file` in `project`, with every include resolved and merged. */
  load(project: Project, ref: string, file: string): Result<Record<string, unknown>> {
    const text = project.read(file, ref);
    if (text === undefined) return { ok: false, errors: [`${file} does not exist in ${project.path}`] };
    return this.expand(text, file, {}, { project, ref });
  }

  private expand(
    text: string,
    location: string,
    inputs: Record<string, unknown>,
    context: IncludeContext,
  ): Result<Record<string, unknown>> {
    const file = loadCiFile(text, location);
    if (!file.ok) return file;
    const interpolated = interpolateFile(file.value, inputs, this.variables);
    if (!interpolated.ok)
      return { ok: false, errors: [`\`${location}\`: ${errorMessage(interpolated.errors)}`] };
    const { include, ...own } = interpolated.value;
    let merged: Record<string, unknown> = {};
    for (const item of include === undefined ? [] : Array.isArray(include) ? include : [include]) {
      const included = this.include(item, context);
      if (!included.ok) return included;
      merged = deepMerge(merged, included.value);
    }
    return { ok: true, value: deepMerge(merged, own) };
  }

  private include(item: unknown, context: IncludeContext): Result<Record<string, unknown>> {
    if (++this.includes > MAX_INCLUDES)
      return { ok: false, errors: [`Maximum of ${MAX_INCLUDES} includes are allowed`] };
    const entry: Record<string, unknown> =
      typeof item === 'string'
        ? /^https?:\/\//.test(item)
          ? { remote: item }
          : { local: item }
        : isPlainObject(item)
          ? item
          : {};
    const inputs = isPlainObject(entry.inputs) ? entry.inputs : {};
    if (entry.rules !== undefined) return { ok: false, errors: ['include:rules are not modelled here'] };
    const expand = (value: unknown): string => expandVariables(String(value), this.variables);

    if (entry.local !== undefined) {
      const path = expand(entry.local).replace(/^\//, '');
      const text = context.project.read(path, context.ref);
      if (text === undefined) return { ok: false, errors: [`Local file \`${path}\` does not exist!`] };
      return this.expand(text, path, inputs, context);
    }
    if (entry.project !== undefined) {
      const project = this.project(expand(entry.project));
      if (!project)
        return { ok: false, errors: [`Project \`${expand(entry.project)}\` not found or access denied!`] };
      const ref = entry.ref === undefined ? 'HEAD' : expand(entry.ref);
      const files = Array.isArray(entry.file) ? entry.file : [entry.file];
      let merged: Record<string, unknown> = {};
      for (const file of files) {
        const path = expand(file).replace(/^\//, '');
        const text = project.read(path, ref);
        if (text === undefined)
          return { ok: false, errors: [`Project \`${project.path}\` file \`${path}\` does not exist!`] };
        const result = this.expand(text, path, inputs, { project, ref });
        if (!result.ok) return result;
        merged = deepMerge(merged, result.value);
      }
      return { ok: true, value: merged };
    }
    if (entry.remote !== undefined) {
      const url = expand(entry.remote);
      const raw = new RegExp(`^https://${escape(this.instance.fqdn)}/(.+?)/-/raw/([^/]+)/(.+)$`).exec(url);
      const project = raw && this.project(raw[1] as string);
      const text = raw && project ? project.read(raw[3] as string, raw[2] as string) : undefined;
      if (text === undefined)
        return {
          ok: false,
          errors: [`Remote file \`${url}\` could not be fetched because of HTTP code \`404\` error!`],
        };
      // A remote file's own local includes are read from the including project.
      return this.expand(text, url, inputs, context);
    }
    if (entry.component !== undefined) {
      const address = expand(entry.component);
      const parsed = /^([^/]+)\/(.+)\/([^/@]+)@(.+)$/.exec(address);
      if (!parsed || parsed[1] !== this.instance.fqdn)
        return { ok: false, errors: [`Component '${address}' - invalid component path`] };
      const project = this.project(parsed[2] as string);
      if (!project)
        return {
          ok: false,
          errors: [
            `Component '${address}' - project does not exist or you don't have sufficient permissions`,
          ],
        };
      const [name, ref] = [parsed[3] as string, parsed[4] as string];
      for (const path of [`templates/${name}.yml`, `templates/${name}/template.yml`]) {
        const text = project.read(path, ref);
        if (text !== undefined) return this.expand(text, address, inputs, { project, ref });
      }
      return { ok: false, errors: [`Component '${address}' - content not found`] };
    }
    return {
      ok: false,
      errors: [`Included file \`${JSON.stringify(item)}\` does not have a valid location`],
    };
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface PlannedJob {
  name: string;
  /** The job's definition as merged (without the matrix variables). */
  definition: Record<string, unknown>;
  when: string;
  stage: string;
  /** Global variables, then the job's, then its matrix values. */
  variables: Record<string, string>;
}

export interface Plan {
  created: boolean;
  jobs: PlannedJob[];
  errors: string[];
}

/**
 * `rules:exists` (lib/gitlab/ci/build/rules/rule/clause/exists.rb): true when a file of the
 * project matches one of the globs (variables expanded), matched as File.fnmatch? with
 * FNM_PATHNAME | FNM_DOTMATCH | FNM_EXTGLOB matches them: `*` within a directory, `**\/` any
 * number of them, `{a,b}`. A path is matched as GitLab lists it: no leading `./`.
 */
function existsMatch(
  exists: unknown,
  variables: Readonly<Record<string, string>>,
  files: readonly string[] | undefined,
  where: string,
): boolean {
  if (!files) throw new ExpressionError(`${where}: rules:exists needs the project's files`);
  const globs = isPlainObject(exists) ? exists.paths : exists;
  if (!Array.isArray(globs)) throw new ExpressionError(`${where}: rules:exists should be an array of globs`);
  return globs.some((glob) => {
    const pattern = globToRegExp(expandVariables(String(glob), variables));
    return files.some((file) => pattern.test(file));
  });
}

function ruleMatch(
  rules: unknown,
  variables: Readonly<Record<string, string>>,
  where: string,
  files?: readonly string[],
): Record<string, unknown> | undefined {
  if (!Array.isArray(rules)) throw new ExpressionError(`${where}: rules should be an array`);
  for (const rule of rules) {
    if (!isPlainObject(rule)) throw new ExpressionError(`${where}: a rule should be a hash`);
    if ('changes' in rule) throw new ExpressionError(`${where}: rules:changes is not modelled here`);
    if (rule.if !== undefined && !evaluateIf(textOf(rule.if), variables)) continue;
    if (rule.exists !== undefined && !existsMatch(rule.exists, variables, files, where)) continue;
    return rule;
  }
  return undefined;
}

function stringVariables(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(value)) return out;
  for (const [name, raw] of Object.entries(value))
    out[name] = isPlainObject(raw) ? textOf(raw.value ?? '') : raw === null ? '' : textOf(raw);
  return out;
}

const MAX_EXTENDS_DEPTH = 11;

/**
 * GitLab's `extends` (lib/gitlab/ci/config/extendable): each job named in `extends` (a name or a
 * list, later ones winning) is deep-merged under the job, recursively (at most 11 levels), with
 * lists replaced rather than merged. Errors are GitLab's.
 */
function resolveExtends(config: Record<string, unknown>): Result<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...config };
  const done = new Set<string>();
  const resolve = (name: string, chain: string[]): string | undefined => {
    const entry = out[name];
    if (done.has(name) || !isPlainObject(entry) || entry.extends === undefined) return undefined;
    if (chain.includes(name)) return `${name}: circular dependency detected in \`extends\``;
    if (chain.length >= MAX_EXTENDS_DEPTH) return `${name}: nesting too deep in \`extends\``;
    const bases = Array.isArray(entry.extends) ? entry.extends.map(textOf) : [textOf(entry.extends)];
    let merged: Record<string, unknown> = {};
    for (const base of bases) {
      if (!(base in out)) return `${name}: unknown key in \`extends\` (${base})`;
      const error = resolve(base, [...chain, name]);
      if (error) return error;
      const value = out[base];
      if (!isPlainObject(value)) return `${name}: invalid base hash in \`extends\` (${base})`;
      const body = { ...value };
      delete body.extends;
      merged = deepMerge(merged, body);
    }
    out[name] = deepMerge(merged, entry);
    done.add(name);
    return undefined;
  };
  for (const name of Object.keys(out)) {
    const error = resolve(name, []);
    if (error) return { ok: false, errors: [error] };
  }
  return { ok: true, value: out };
}

/** The jobs a pipeline with these predefined variables gets, and the errors GitLab would report. */
export function plan(
  unresolved: Record<string, unknown>,
  predefined: Readonly<Record<string, string>>,
  /** The files of the project at the pipeline's commit, for `rules:exists`. */
  files?: readonly string[],
): Plan {
  const errors: string[] = [];
  const extended = resolveExtends(unresolved);
  if (!extended.ok) return { created: false, jobs: [], errors: extended.errors };
  const config = extended.value;
  const globals = stringVariables(config.variables);
  const variables = { ...predefined, ...globals };
  const workflow = isPlainObject(config.workflow) ? config.workflow : undefined;
  if (workflow?.rules !== undefined) {
    const rule = ruleMatch(workflow.rules, variables, 'workflow');
    if (!rule || rule.when === 'never') return { created: false, jobs: [], errors };
  }
  const stages = Array.isArray(config.stages)
    ? ['.pre', ...config.stages.map(String), '.post']
    : DEFAULT_STAGES;
  const jobs: PlannedJob[] = [];
  for (const [name, definition] of Object.entries(config)) {
    if (RESERVED.has(name) || name.startsWith('.') || !isPlainObject(definition)) continue;
    for (const key of ['only', 'except'])
      if (key in definition) errors.push(`jobs:${name} ${key} is not modelled here`);
    let when = typeof definition.when === 'string' ? definition.when : 'on_success';
    if (definition.rules !== undefined) {
      const disallowed = ['only', 'except', 'start_in', 'when'].filter((key) => key in definition);
      if (disallowed.length > 0)
        errors.push(`jobs:${name} config key may not be used with \`rules\`: ${disallowed.join(', ')}`);
      const rule = ruleMatch(
        definition.rules,
        { ...variables, ...stringVariables(definition.variables) },
        `jobs:${name}`,
        files,
      );
      if (!rule) continue;
      when = typeof rule.when === 'string' ? rule.when : 'on_success';
    } else if (predefined.CI_PIPELINE_SOURCE === 'merge_request_event') {
      continue; // jobs without rules are not part of merge request pipelines
    }
    if (when === 'never') continue;
    const stage = typeof definition.stage === 'string' ? definition.stage : 'test';
    if (!stages.includes(stage))
      errors.push(
        `${name} job: chosen stage ${stage} does not exist; available stages are ${stages.join(', ')}`,
      );
    const own = { ...globals, ...stringVariables(definition.variables) };
    const parallel = isPlainObject(definition.parallel) ? definition.parallel.matrix : undefined;
    const instances: Record<string, string>[] = [];
    if (Array.isArray(parallel)) {
      for (const entry of parallel) {
        if (!isPlainObject(entry)) continue;
        let combos: Record<string, string>[] = [{}];
        for (const [key, values] of Object.entries(entry)) {
          const list = Array.isArray(values) ? values.map(String) : [String(values)];
          combos = combos.flatMap((combo) => list.map((value) => ({ ...combo, [key]: value })));
        }
        instances.push(...combos);
      }
    } else {
      instances.push({});
    }
    for (const matrix of instances) {
      const values = Object.values(matrix);
      jobs.push({
        name: values.length > 0 ? `${name}: [${values.join(', ')}]` : name,
        definition,
        when,
        stage,
        variables: { ...own, ...matrix },
      });
    }
  }
  const present = new Set(jobs.map((job) => job.name.replace(/: \[.*\]$/, '')));
  for (const job of jobs) {
    const needs = Array.isArray(job.definition.needs) ? job.definition.needs : [];
    for (const need of needs) {
      const target = isPlainObject(need) ? need.job : need;
      const optional = isPlainObject(need) && need.optional === true;
      if (typeof target === 'string' && !present.has(target) && !optional)
        errors.push(
          `'${job.name}' job needs '${target}' job, but '${target}' does not exist in the pipeline`,
        );
    }
  }
  return { created: true, jobs, errors };
}

export interface JobRun {
  status: number;
  output: string;
  variables: Record<string, string>;
}

function lines(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(lines);
  throw new Error(`a script line is neither a string nor a list: ${JSON.stringify(value)}`);
}

export interface RunOptions {
  projectDir: string;
  /** Directories put first in PATH (where the image would have chs). */
  path: string[];
  /** False skips `before_script` (when it installs something a test provides another way). */
  beforeScript?: boolean;
  /** More variables, as a project or an agent would set them (KUBECONFIG, tokens). */
  extra?: Record<string, string>;
}

function jobScripts(job: PlannedJob, predefined: Readonly<Record<string, string>>, options: RunOptions) {
  const variables: Record<string, string> = { ...predefined, ...options.extra };
  for (const [name, value] of Object.entries(job.variables))
    variables[name] = expandVariables(value, variables);
  const dir = mkdtempSync(join(tmpdir(), 'chs-job-'));
  const write = (name: string, body: string[]): string => {
    const script = join(dir, name);
    writeFileSync(
      script,
      [
        'if set -o | grep pipefail >/dev/null; then set -o pipefail; fi',
        'set -o errexit',
        `cd "${options.projectDir}"`,
        ...body.map((line) => `printf '%s\\n' ${shellQuote(`$ ${line}`)}\n${line}`),
      ].join('\n') + '\n',
    );
    return script;
  };
  return {
    variables,
    dir,
    env: {
      ...variables,
      PATH: [...options.path, process.env.PATH ?? ''].join(':'),
      HOME: dir,
      // The runner image's /etc/apparmor.d is the tests' own system root (test/setup.ts), not this machine's.
      ...(process.env.CHS_APPARMOR_SYSTEM_ROOT !== undefined
        ? { CHS_APPARMOR_SYSTEM_ROOT: process.env.CHS_APPARMOR_SYSTEM_ROOT }
        : {}),
    },
    main: write('script.sh', [
      ...(options.beforeScript === false ? [] : lines(job.definition.before_script)),
      ...lines(job.definition.script),
    ]),
    after: write('after_script.sh', lines(job.definition.after_script)),
  };
}

/**
 * Runs a job in `projectDir` with `sh`, the way a runner does: `before_script` and `script` in one
 * shell that stops at the first failing line, then `after_script` in a shell of its own whatever
 * happened; variables (the job's, expanded against the predefined ones) in the environment.
 */
export function runJob(
  job: PlannedJob,
  predefined: Readonly<Record<string, string>>,
  options: RunOptions,
): JobRun {
  const scripts = jobScripts(job, predefined, options);
  try {
    const shell = (script: string): { status: number; output: string } => {
      const result = spawnSync('sh', [script], { env: scripts.env, encoding: 'utf8', timeout: 120_000 });
      return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
    };
    const run = shell(scripts.main);
    const after = shell(scripts.after);
    return { status: run.status, output: `${run.output}${after.output}`, variables: scripts.variables };
  } finally {
    rmSync(scripts.dir, { recursive: true, force: true });
  }
}

/** runJob without blocking the event loop, for jobs that talk to servers of the test process. */
export async function runJobAsync(
  job: PlannedJob,
  predefined: Readonly<Record<string, string>>,
  options: RunOptions,
): Promise<JobRun> {
  const scripts = jobScripts(job, predefined, options);
  const shell = (script: string): Promise<{ status: number; output: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn('sh', [script], { env: scripts.env, timeout: 120_000 });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ status: code ?? -1, output }));
    });
  try {
    const run = await shell(scripts.main);
    const after = await shell(scripts.after);
    return { status: run.status, output: `${run.output}${after.output}`, variables: scripts.variables };
  } finally {
    rmSync(scripts.dir, { recursive: true, force: true });
  }
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface DeclaredArtifact {
  /** `path`, or the report type under `artifacts:reports:` (`codequality`, `junit`, ...). */
  kind: string;
  path: string;
}

/** The files and reports a job declares under `artifacts:`. */
export function declaredArtifacts(job: PlannedJob): DeclaredArtifact[] {
  const artifacts = isPlainObject(job.definition.artifacts) ? job.definition.artifacts : {};
  const out: DeclaredArtifact[] = [];
  for (const path of Array.isArray(artifacts.paths) ? artifacts.paths : [])
    out.push({ kind: 'path', path: String(path) });
  if (isPlainObject(artifacts.reports))
    for (const [kind, value] of Object.entries(artifacts.reports))
      for (const path of Array.isArray(value) ? value : [value]) out.push({ kind, path: String(path) });
  return out;
}

export type JobStatus = 'success' | 'failed' | 'warning';

/**
 * What GitLab shows for a job that ended with `status`: `warning` when it failed but
 * `allow_failure` lets the pipeline pass (`true`, or `exit_codes` listing the status).
 */
export function jobStatus(job: PlannedJob, status: number): JobStatus {
  if (status === 0) return 'success';
  const allow = job.definition.allow_failure;
  if (allow === true) return 'warning';
  if (isPlainObject(allow)) {
    const codes = Array.isArray(allow.exit_codes) ? allow.exit_codes : [allow.exit_codes];
    if (codes.includes(status)) return 'warning';
  }
  return 'failed';
}

/** The pipeline's status from its jobs': failed when one job failed, passed otherwise (warnings included). */
export function pipelineStatus(statuses: readonly JobStatus[]): 'passed' | 'failed' {
  return statuses.includes('failed') ? 'failed' : 'passed';
}

export function missingArtifacts(job: PlannedJob, projectDir: string): string[] {
  return declaredArtifacts(job)
    .filter((artifact) => !existsSync(join(projectDir, artifact.path)))
    .map((artifact) => `${artifact.kind}: ${artifact.path}`);
}
