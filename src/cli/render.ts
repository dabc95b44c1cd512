/** `chs render [--target NAME] [--out DIR]`: the objects and Helm values that deploy the policies. */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { printable } from '../core/printable.js';
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import type { TargetConfig } from '../core/config.js';
import { loadRuleset, repositoryRulesFiles } from '../languages/falco/index.js';
import { readPolicyFiles, renderTarget, selectTargets } from '../render/index.js';
import { recorderRules } from '../render/recorder.js';
import { passesLint } from './lint-gate.js';
import { formatProblem, loadRepositoryConfig } from './repository.js';
import type { CommandContext } from './run.js';

interface RenderFlags {
  target?: string;
  out?: string;
  recorder?: boolean;
  allowLintErrors?: boolean;
}

const MARKER = '.chs-rendered';

export async function renderCommand(ctx: CommandContext, flags: RenderFlags): Promise<number> {
  const config = loadRepositoryConfig(ctx);
  const targets = selectTargets(config, flags.target);
  if (!(await passesLint(ctx, config, flags.allowLintErrors === true, 'rendered'))) return EXIT_FINDINGS;
  const { files, problems } = readPolicyFiles(config, ctx.cwd);
  const rendered = targets.map((t) => renderTarget(config, t, files));
  const all = [...problems, ...rendered.flatMap((r) => r.problems)];
  for (const note of new Set(rendered.flatMap((r) => r.notes)))
    ctx.stderr.write(printable(`chs: note: ${note}\n`));
  if (all.length > 0) {
    for (const p of all) ctx.stderr.write(`${printable(formatProblem(p))}\n`);
    ctx.stderr.write(`chs: nothing rendered: ${all.length} problem(s) in the policy files\n`);
    return EXIT_FINDINGS;
  }
  const out = resolve(ctx.cwd, flags.out ?? 'rendered');
  for (const result of rendered) {
    const dir = join(out, result.target.name);
    const rel = relative(ctx.cwd, dir);
    const shown = rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
    if (existsSync(dir)) {
      if (!existsSync(join(dir, MARKER)) && readdirSync(dir).length > 0) {
        throw new UserError(
          `${shown} exists and was not written by chs render: choose another --out or empty it`,
        );
      }
      rmSync(dir, { recursive: true, force: true });
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, MARKER), 'Written by chs render; replaced as a whole on every run.\n');
    for (const file of result.files) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.content);
    }
    const list = result.files.map((f) => f.path).join(', ');
    ctx.stdout.write(
      `${shown}: ${result.objects.length} object(s) for target ${result.target.name} (${result.mode} mode)${list ? `: ${list}` : ''}\n`,
    );
  }
  if (flags.recorder) writeRecorder(ctx, config, targets, out);
  return EXIT_OK;
}

/** `--recorder`: the Falco rules file that records what the repository's rules read. */
function writeRecorder(
  ctx: CommandContext,
  config: ReturnType<typeof loadRepositoryConfig>,
  targets: readonly TargetConfig[],
  out: string,
): void {
  const { files } = repositoryRulesFiles(config, ctx.cwd);
  const { rules } = loadRuleset(files, config.falco.ruleMatching);
  const namespaces = config.recorder.namespaces ?? targets.flatMap((t) => t.namespaces ?? []);
  const recorder = recorderRules(rules, namespaces);
  if (recorder.types.length === 0)
    throw new UserError(
      'no enabled Falco syscall rule names an event type (evt.type): the recorder would have nothing to record',
    );
  const path = resolve(out, config.recorder.out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, recorder.text);
  const rel = relative(ctx.cwd, path);
  ctx.stdout.write(
    `${rel.startsWith('..') ? path : rel}: the recorder rule: ${recorder.types.length} event type(s), ${recorder.fields.length} field(s), ${recorder.namespaces.length > 0 ? `namespaces ${recorder.namespaces.join(', ')}` : 'every namespace'}\n`,
  );
  if (recorder.unbounded.length > 0)
    ctx.stderr.write(
      `chs: note: the recorder does not cover ${recorder.unbounded.length} rule(s) that can match any event type (${recorder.unbounded.slice(0, 3).join(', ')}${recorder.unbounded.length > 3 ? ', ...' : ''}): give them an evt.type\n`,
    );
}
