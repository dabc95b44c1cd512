/**
 * Replaying recorded events through a ruleset: every file streamed in order, every event
 * evaluated, alerts handed to a sink a chunk at a time (so a slow reader of the output holds
 * back the reading instead of letting memory grow), and counts kept per rule for the summary.
 */
import type { Alert } from './alert.js';
import { buildAlert } from './alert.js';
import type { Ruleset } from './engine.js';
import type { BadLine, RecordedEvent } from './events.js';
import { NotEventsError, readEvents } from './events.js';
import { priorityName } from './output.js';

export interface EventFile {
  /** Where it is. */
  path: string;
  /** As the user named it, for messages. */
  display: string;
}

export interface ReplayOptions {
  ruleset: Ruleset;
  files: readonly EventFile[];
  hostname: string;
  /** Called for each alert; omit it when only the counts matter (no alert is built then). */
  onAlert?: (alert: Alert) => void;
  onBadLine: (file: EventFile, bad: BadLine) => void;
  /** Awaited after each chunk of input: where output back-pressure is applied. */
  afterChunk?: () => Promise<void> | void;
}

interface RuleCount {
  rule: string;
  priority: string;
  source: string;
  alerts: number;
}

export interface ReplaySummary {
  events: number;
  badLines: number;
  alerts: number;
  /** Every enabled rule, in load order, with its alert count (0 for a rule that never fired). */
  rules: RuleCount[];
  files: { file: string; lines: number; events: number; badLines: number }[];
}

/** An events file that cannot be read to its end. */
export class EventFileError extends Error {
  constructor(
    readonly file: EventFile,
    reason: string,
  ) {
    super(`${file.display}: ${reason}`);
  }
}

export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const { ruleset, hostname, onAlert } = options;
  const counts = new Int32Array(ruleset.compiled.length);
  const position = new Map(ruleset.compiled.map((rule, i) => [rule, i]));
  const summary: ReplaySummary = { events: 0, badLines: 0, alerts: 0, rules: [], files: [] };
  const all = ruleset.matching === 'all';
  const handle = (event: RecordedEvent): void => {
    if (all) {
      for (const rule of ruleset.evaluate(event)) {
        counts[position.get(rule) as number]!++;
        if (onAlert) onAlert(buildAlert(rule, event, hostname));
      }
      return;
    }
    const rule = ruleset.first(event);
    if (rule === undefined) return;
    counts[position.get(rule) as number]!++;
    if (onAlert) onAlert(buildAlert(rule, event, hostname));
  };
  for (const file of options.files) {
    let stats;
    try {
      stats = await readEvents(file.path, handle, (bad) => options.onBadLine(file, bad), options.afterChunk);
    } catch (error) {
      if (error instanceof NotEventsError) throw new EventFileError(file, error.message);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
        throw new EventFileError(file, `not valid gzip (${(error as Error).message})`);
      if (code === 'EACCES' || code === 'EISDIR' || code === 'ENOENT')
        throw new EventFileError(file, `cannot read (${code})`);
      throw error;
    }
    summary.events += stats.events;
    summary.badLines += stats.bad;
    summary.files.push({ file: file.display, lines: stats.lines, events: stats.events, badLines: stats.bad });
  }
  summary.rules = ruleset.compiled.map((compiled, i) => ({
    rule: compiled.rule.name,
    priority: priorityName(compiled.rule.priority),
    source: compiled.rule.source,
    alerts: counts[i] as number,
  }));
  summary.alerts = summary.rules.reduce((n, r) => n + r.alerts, 0);
  return summary;
}
