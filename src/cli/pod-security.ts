/** `chs pod-security check`: Pods and workloads against a level, or against the repository's policies. */
import { resolve } from 'node:path';
import { loadConfig } from '../core/config.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { JsonItemStream, JsonStreamError } from '../core/json-lines.js';
import { printable } from '../core/printable.js';
import { readDataInput } from '../core/read.js';
import type { DataInput } from '../core/read.js';
import { parseYaml } from '../core/yaml.js';
import { asObj, asString } from '../languages/pod-security/index.js';
import { evaluatePodSecurity, outcomeResult, policyOutcome } from '../languages/pod-security/index.js';
import type {
  PodSecurityResult,
  PodSource,
  PolicyOutcome,
  Violation,
} from '../languages/pod-security/index.js';
import type { PodSecurityPolicy, PolicyScope } from '../languages/pod-security/index.js';
import { scopeOf } from '../languages/pod-security/index.js';
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

/** A `...List` (`List` as kubectl prints it, `PodList` as the API server does). */
const isListKind = (kind: unknown): boolean => typeof kind === 'string' && kind.endsWith('List');

/**
 * Hands each object of one file (`kind: List` items included) to `take` with its line; false (said
 * on stderr) when the file cannot be read. JSON as `kubectl get -o json` prints it is read as a
 * stream, each item parsed alone and let go as soon as it is taken; anything else goes through the
 * YAML parser that keeps every position. A file that fails half-way has had some objects taken:
 * the caller drops them.
 */
function readObjects(ctx: CommandContext, path: string, take: (found: FoundObject) => void): boolean {
  const stream = new JsonItemStream((item) => take({ file: path, line: item.line, object: item.value }));
  let read: DataInput;
  let root: unknown;
  try {
    read = readDataInput(resolve(ctx.cwd, path), path, (chunk) => stream.push(chunk));
    if (read.ok && 'streamed' in read) root = stream.end();
  } catch (error) {
    if (!(error instanceof JsonStreamError)) throw error;
    ctx.stderr.write(
      printable(`chs: ${path}:${error.line}:${error.column}: invalid JSON: ${error.message}\n`),
    );
    return false;
  }
  if (!read.ok) {
    ctx.stderr.write(printable(`chs: ${path}: ${read.failure.message}\n`));
    return false;
  }
  if ('streamed' in read) {
    const kind = asObj(root)?.kind;
    const items = asObj(root)?.items;
    if (!stream.streamedItems && isListKind(kind) && Array.isArray(items))
      // A List whose "items" key is spelt with escapes: read whole, one line for all.
      for (const object of items as unknown[]) take({ file: path, line: stream.rootLine, object });
    else if (!stream.streamedItems) take({ file: path, line: stream.rootLine, object: root });
    else if (!isListKind(kind)) {
      ctx.stderr.write(
        printable(
          `chs: ${path}:${stream.rootLine}: an object with an "items" array whose kind is ${JSON.stringify(kind ?? null)}, not a List: give the objects as kubectl get -o json prints them (kind: List)\n`,
        ),
      );
      return false;
    }
    return true;
  }
  const source = read.file;
  const parsed = parseYaml(source.text);
  if (!parsed.ok) {
    const { line, column } = source.position(parsed.error.offset);
    ctx.stderr.write(printable(`chs: ${path}:${line}:${column}: invalid YAML: ${parsed.error.message}\n`));
    return false;
  }
  for (const document of parsed.documents) {
    if (!document.root) continue;
    const top = asObj(document.value);
    const items =
      isListKind(top?.kind) && document.root.kind === 'map'
        ? (document.root.pairs.find((p) => p.key === 'items')?.value ?? null)
        : null;
    const entries =
      items && items.kind === 'seq'
        ? items.items.map((node) => ({ node, value: node.value }))
        : [{ node: document.root, value: document.value }];
    for (const { node, value } of entries)
      take({ file: path, line: source.position(node.start).line, object: value });
  }
  return true;
}

function resultLine(r: CheckResultLine): string {
  const where = `${r.file}:${r.line}`;
  const what = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
  return r.allowed ? `${where}: ${what}: allowed` : `${where}: ${what}: ${r.message}`;
}

function summaryLine(checked: number, rejected: number): string {
  return `${checked} ${checked === 1 ? 'object' : 'objects'} checked, ${rejected} not allowed`;
}

export function formatText(results: readonly CheckResultLine[]): string {
  const lines = results.map(resultLine);
  lines.push(summaryLine(results.length, results.filter((r) => !r.allowed).length));
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
  let scope: PolicyScope | undefined;
  if (!level) {
    const loaded = loadConfig(ctx.root, ctx.cwd);
    const problem = loaded.problems[0];
    if (problem) throw new UserError(`${problem.file}: ${problem.message} (run chs lint)`);
    const repository = loadRepositoryPolicies(loaded.config, ctx.cwd);
    const error = repository.errors[0];
    if (error) throw new UserError(`${error}; run chs lint for every problem`);
    if (repository.policies.length === 0)
      throw new UserError(
        'the repository has no pod security policies (policies/pod-security/): give --level baseline or --level restricted',
      );
    policies = repository.policies;
    scope = scopeOf(loaded.config);
  }

  const results: CheckResultLine[] = [];
  const labels = new Map<string, Record<string, string>>();
  const line = (
    found: FoundObject,
    source: Pick<PodSource, 'kind' | 'name' | 'namespace'>,
    result: PodSecurityResult,
  ): CheckResultLine => ({
    file: found.file,
    line: found.line,
    kind: source.kind,
    namespace: source.namespace,
    name: source.name,
    allowed: result.allowed,
    message: result.message,
    violations: result.violations,
  });
  const check = (found: FoundObject): void => {
    const source = podSource(found.object);
    if (source && level)
      results.push(line(found, source, evaluatePodSecurity(found.object, { level, version })));
  };
  // Against policies, what each object's verdict is, but for the labels of its namespace (which
  // may come in a later file): kept in place of the object, told once every file is read.
  const waiting: { found: { file: string; line: number }; outcome: PolicyOutcome }[] = [];
  const hold = (found: FoundObject): void => {
    const outcome = policyOutcome(found.object, policies, undefined, scope);
    if (outcome) waiting.push({ found: { file: found.file, line: found.line }, outcome });
  };
  // Each file's objects are checked (or their outcome kept) and let go before the next is read.
  let errors = 0;
  // Text is written file by file, so that a cluster's results need not all be kept.
  const json = flags.format === 'json';
  let checked = 0;
  let rejected = 0;
  const flush = (): void => {
    if (results.length === 0) return;
    ctx.stdout.write(printable(`${results.map(resultLine).join('\n')}\n`));
    checked += results.length;
    rejected += results.filter((r) => !r.allowed).length;
    results.length = 0;
  };
  for (const path of files) {
    // A file that cannot be read contributes nothing, not even the objects before its error.
    const marks = { results: results.length, waiting: waiting.length, labels: new Map(labels) };
    const ok = readObjects(ctx, path, (found) => {
      const object = asObj(found.object);
      if (asString(object?.kind) === 'Namespace') {
        const metadata = asObj(object?.metadata);
        const nsLabels: Record<string, string> = {};
        for (const [k, v] of Object.entries(asObj(metadata?.labels) ?? {})) nsLabels[k] = asString(v);
        labels.set(asString(metadata?.name), nsLabels);
      }
      if (level) check(found);
      else hold(found);
    });
    if (!ok) {
      results.length = marks.results;
      waiting.length = marks.waiting;
      labels.clear();
      for (const [k, v] of marks.labels) labels.set(k, v);
      errors++;
    }
    if (!json) flush();
  }
  for (const { found, outcome } of waiting) {
    const result = outcomeResult(outcome, labels.get(outcome.namespace) ?? {});
    results.push(line({ ...found, object: undefined }, outcome.source, result));
    // A cluster's results are written as they are told, not all kept until the end.
    if (!json && results.length >= 10_000) flush();
  }
  waiting.length = 0;
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
    checked = results.length;
    rejected = results.filter((r) => !r.allowed).length;
  } else {
    flush();
    ctx.stdout.write(`${summaryLine(checked, rejected)}\n`);
  }
  if (errors > 0) return EXIT_ERROR;
  return rejected > 0 ? EXIT_FINDINGS : EXIT_OK;
}
