/** `chs render [--target NAME] [--out DIR]`: the objects and Helm values that deploy the policies. */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { EXIT_FINDINGS, EXIT_OK, UserError } from '../core/errors.js';
import { readPolicyFiles, renderTarget, selectTargets } from '../render/index.js';
import { formatProblem, loadRepositoryConfig } from './repository.js';
import type { CommandContext } from './run.js';

interface RenderFlags {
  target?: string;
  out?: string;
}

const MARKER = '.chs-rendered';

export async function renderCommand(ctx: CommandContext, flags: RenderFlags): Promise<number> {
  const config = loadRepositoryConfig(ctx.cwd);
  const targets = selectTargets(config, flags.target);
  const { files, problems } = readPolicyFiles(config, ctx.cwd);
  const rendered = targets.map((t) => renderTarget(config, t, files));
  const all = [...problems, ...rendered.flatMap((r) => r.problems)];
  for (const note of new Set(rendered.flatMap((r) => r.notes))) ctx.stderr.write(`chs: note: ${note}\n`);
  if (all.length > 0) {
    for (const p of all) ctx.stderr.write(`${formatProblem(p)}\n`);
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
  return EXIT_OK;
}
