/** `chs falco replay --rules FILE... --events FILE... [--summary] [--format text|json]`. */
import { statSync } from 'node:fs';
import { maxOf } from '../core/arrays.js';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { loadConfig } from '../core/config.js';
import { EXIT_ERROR, EXIT_OK, UserError } from '../core/errors.js';
import { printable } from '../core/printable.js';
import { notADataInput, notARegularFile } from '../core/read.js';
import { alertJson } from '../languages/falco/index.js';
import type { Alert } from '../languages/falco/index.js';
import { loadRuleset } from '../languages/falco/index.js';
import { replay } from '../languages/falco/index.js';
import type { EventFile, ReplaySummary } from '../languages/falco/index.js';
import type { CommandContext } from './run.js';

interface ReplayFlags {
  rules: string[];
  events: string[];
  summary?: boolean;
  format?: 'text' | 'json';
}

class OutputClosed extends Error {}

/** Bad lines shown one by one before only their count is given. */
const MAX_BAD_LINES_SHOWN = 20;

/** A rules file (a regular file), or an events file, which may also be a pipe read as a stream. */
function existingFile(cwd: string, path: string, what: 'rules' | 'events'): string {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    throw new UserError(`${path}: no such ${what} file`);
  }
  const kind = what === 'events' ? notADataInput(stat) : notARegularFile(stat);
  if (kind !== undefined)
    throw new UserError(
      `${path}: is ${kind}, not a file (give the ${what} files themselves${what === 'events' ? ', or a pipe' : ''})`,
    );
  return absolute;
}

function summaryText(summary: ReplaySummary): string {
  const width = maxOf(
    summary.rules.map((r) => r.rule.length),
    4,
  );
  const lines = [`${'rule'.padEnd(width)}  ${'priority'.padEnd(13)}  alerts`];
  for (const r of summary.rules)
    lines.push(`${r.rule.padEnd(width)}  ${r.priority.padEnd(13)}  ${String(r.alerts).padStart(6)}`);
  const silent = summary.rules.filter((r) => r.alerts === 0).length;
  lines.push(
    '',
    `${summary.events} events, ${summary.alerts} alerts, ${summary.badLines} bad lines; ${silent} of ${summary.rules.length} rules never fired`,
  );
  return `${lines.join('\n')}\n`;
}

export async function falcoReplayCommand(ctx: CommandContext, flags: ReplayFlags): Promise<number> {
  const { config, problems } = loadConfig(ctx.root, ctx.cwd);
  if (problems.length > 0) {
    const first = problems[0];
    throw new UserError(`chs.yaml: ${first?.message ?? 'invalid configuration'}`);
  }
  const rulesFiles = flags.rules.map((path) => ({
    absolute: existingFile(ctx.cwd, path, 'rules'),
    display: path,
  }));
  const eventFiles: EventFile[] = flags.events.map((path) => ({
    path: existingFile(ctx.cwd, path, 'events'),
    display: path,
  }));
  const loaded = loadRuleset(rulesFiles, config.falco.ruleMatching);
  if (loaded.errors.length > 0) {
    for (const error of loaded.errors) ctx.stderr.write(`${printable(error)}\n`);
    ctx.stderr.write(`chs: the rules do not load (${loaded.errors.length} errors); run chs lint on them\n`);
    return EXIT_ERROR;
  }
  const json = flags.format === 'json';
  let pending = '';
  let bad = 0;
  const onAlert = flags.summary
    ? undefined
    : (alert: Alert): void => {
        pending += json ? `${alertJson(alert)}\n` : `${printable(alert.output)}\n`;
      };
  // A reader that goes away (`chs falco replay ... | head`) ends the replay quietly, as it would
  // any Unix filter.
  let closed = false;
  let wake: (() => void) | undefined;
  if (typeof ctx.stdout.on === 'function')
    ctx.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      closed = true;
      wake?.();
    });
  const flush = async (): Promise<void> => {
    if (closed) throw new OutputClosed();
    if (pending === '') return;
    const ok = ctx.stdout.write(pending);
    pending = '';
    if (!ok && !closed)
      await new Promise<void>((resolve) => {
        wake = resolve;
        ctx.stdout.once('drain', resolve);
      });
    if (closed) throw new OutputClosed();
  };
  let summary: ReplaySummary;
  try {
    summary = await replay({
      ruleset: loaded.ruleset,
      files: eventFiles,
      hostname: hostname(),
      ...(onAlert ? { onAlert } : {}),
      onBadLine: (file, line) => {
        if (++bad <= MAX_BAD_LINES_SHOWN)
          ctx.stderr.write(printable(`${file.display}:${line.line}: skipped: ${line.message}\n`));
      },
      afterChunk: flush,
    });
  } catch (error) {
    if (error instanceof OutputClosed) return EXIT_OK;
    throw error;
  }
  try {
    await flush();
  } catch (error) {
    if (error instanceof OutputClosed) return EXIT_OK;
    throw error;
  }
  if (bad > MAX_BAD_LINES_SHOWN) ctx.stderr.write(`... and ${bad - MAX_BAD_LINES_SHOWN} more bad lines\n`);
  if (bad > 0) ctx.stderr.write(`chs: ${bad} of ${summary.events + bad} event lines skipped\n`);
  if (flags.summary)
    ctx.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : printable(summaryText(summary)));
  return EXIT_OK;
}
