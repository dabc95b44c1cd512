/** `chs pod-security check`: Pods and workloads against a level, or against the repository's policies. */
import { resolve } from 'node:path';
import { loadConfig } from '../core/config.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { readTextFile } from '../core/read.js';
import { parseYaml } from '../core/yaml.js';
import { asObj, asString } from '../languages/pod-security/index.js';
import { evaluateAgainstPolicies, evaluatePodSecurity } from '../languages/pod-security/index.js';
import type { PodSecurityResult, Violation } from '../languages/pod-security/index.js';
import type { PodSecurityPolicy } from '../languages/pod-security/index.js';
import { loadRepositoryPolicies } from '../languages/pod-security/index.js';
import { isPssLevel, parseVersion } from '../languages/pod-security/index.js';
import type { PolicyVersion, PssLevel } from '../languages/pod-security/index.js';
import { podSource } from '../languages/pod-security/index.js';
import type { CommandContext } from './run.js';

interface CheckFlags {
  level?: string;
  version?: string;
  format?: 'text' | 'json';
}

export interface CheckResultLine {
  file: string;
  line: number;
  kind: string;
  namespace: string;
  name: string;
  allowed: boolean;
  message: string;
  violations: Violation[];
}

interface FoundObject {
  file: string;
  line: number;
  object: unknown;
}

/** Every object of the files, `kind: List` items included, with the namespaces' labels. */
function readObjects(
  ctx: CommandContext,
  files: readonly string[],
): { objects: FoundObject[]; labels: Map<string, Record<string, string>>; errors: number } {
  const objects: FoundObject[] = [];
  const labels = new Map<string, Record<string, string>>();
  let errors = 0;
  for (const path of files) {
    const read = readTextFile(resolve(ctx.cwd, path), path);
    if (!read.ok) {
      ctx.stderr.write(`chs: ${path}: ${read.failure.message}\n`);
      errors++;
      continue;
    }
    const source = read.file;
    const parsed = parseYaml(source.text);
    if (!parsed.ok) {
      const { line, column } = source.position(parsed.error.offset);
      ctx.stderr.write(`chs: ${path}:${line}:${column}: invalid YAML: ${parsed.error.message}\n`);
      errors++;
      continue;
    }
    for (const document of parsed.documents) {
      if (!document.root) continue;
      const top = asObj(document.value);
      const items =
        asString(top?.kind) === 'List' && document.root.kind === 'map'
          ? (document.root.pairs.find((p) => p.key === 'items')?.value ?? null)
          : null;
      const entries =
        items && items.kind === 'seq'
          ? items.items.map((node) => ({ node, value: node.value }))
          : [{ node: document.root, value: document.value }];
      for (const { node, value } of entries) {
        const object = asObj(value);
        if (asString(object?.kind) === 'Namespace') {
          const metadata = asObj(object?.metadata);
          const nsLabels: Record<string, string> = {};
          for (const [k, v] of Object.entries(asObj(metadata?.labels) ?? {})) nsLabels[k] = asString(v);
          labels.set(asString(metadata?.name), nsLabels);
        }
        objects.push({ file: path, line: source.position(node.start).line, object: value });
      }
    }
  }
  return { objects, labels, errors };
}

export function formatText(results: readonly CheckResultLine[]): string {
  const lines = results.map((r) => {
    const where = `${r.file}:${r.line}`;
    const what = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
    return r.allowed ? `${where}: ${what}: allowed` : `${where}: ${what}: ${r.message}`;
  });
  const rejected = results.filter((r) => !r.allowed).length;
  lines.push(
    `${results.length} ${results.length === 1 ? 'object' : 'objects'} checked, ${rejected} not allowed`,
  );
  return `${lines.join('\n')}\n`;
}

export async function podSecurityCheckCommand(
  ctx: CommandContext,
  files: string[],
  flags: CheckFlags,
): Promise<number> {
  let level: PssLevel | undefined;
  if (flags.level !== undefined) {
    if (!isPssLevel(flags.level))
      throw new UserError(`--level takes privileged, baseline or restricted, not "${flags.level}"`);
    level = flags.level;
  }
  const version: PolicyVersion | undefined = parseVersion(flags.version ?? 'latest');
  if (!version) throw new UserError(`--version takes v1.N or latest, not "${flags.version ?? ''}"`);

  let policies: PodSecurityPolicy[] = [];
  if (!level) {
    const loaded = loadConfig(ctx.cwd, ctx.cwd);
    const problem = loaded.problems[0];
    if (problem) throw new UserError(`${problem.file}: ${problem.message} (run chs lint)`);
    const repository = loadRepositoryPolicies(loaded.config, ctx.cwd);
    const error = repository.errors[0];
    if (error) throw new UserError(`${error.file}: ${error.message} (run chs lint for every problem)`);
    if (repository.policies.length === 0)
      throw new UserError(
        'the repository has no pod security policies (policies/pod-security/): give --level baseline or --level restricted',
      );
    policies = repository.policies;
  }

  const { objects, labels, errors } = readObjects(ctx, files);
  const results: CheckResultLine[] = [];
  for (const found of objects) {
    const source = podSource(found.object);
    if (!source) continue;
    const namespace = source.namespace || 'default';
    const result: PodSecurityResult = level
      ? evaluatePodSecurity(found.object, { level, version })
      : evaluateAgainstPolicies(found.object, policies, {
          namespace,
          namespaceLabels: labels.get(namespace) ?? {},
        });
    results.push({
      file: found.file,
      line: found.line,
      kind: source.kind,
      namespace: source.namespace,
      name: source.name,
      allowed: result.allowed,
      message: result.message,
      violations: result.violations,
    });
  }
  if (flags.format === 'json') {
    const json = results.map(({ line: _line, ...rest }) => rest);
    ctx.stdout.write(`${JSON.stringify({ results: json }, null, 2)}\n`);
  } else {
    ctx.stdout.write(formatText(results));
  }
  if (errors > 0) return EXIT_ERROR;
  return results.some((r) => !r.allowed) ? EXIT_FINDINGS : EXIT_OK;
}
