/**
 * Recorded events, read once for every section: each provider subscribes a consumer while it
 * prepares (before its first `await`), then the preview streams the files a single time. A
 * million events are parsed once, not once per policy kind.
 */
import type { RecordedEvent } from '../languages/falco/evaluate/events.js';
import { readEvents } from '../languages/falco/evaluate/events.js';

export type { RecordedEvent } from '../languages/falco/evaluate/events.js';

export interface FeedStats {
  events: number;
  badLines: number;
  /** The first bad lines, `file:line: message`. */
  badExamples: string[];
  /** Files that could not be read at all. */
  unreadable: string[];
}

export type EventConsumer = (event: RecordedEvent) => void;

export class EventFeed {
  private readonly consumers: EventConsumer[] = [];
  private started = false;
  private resolveDone!: (stats: FeedStats) => void;
  private readonly done: Promise<FeedStats>;

  constructor(readonly files: readonly { absolute: string; display: string }[]) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Registers a consumer; resolves with the counts once every file was read. */
  subscribe(consumer: EventConsumer): Promise<FeedStats> {
    if (this.started) throw new Error('EventFeed: subscribe before the events are streamed');
    this.consumers.push(consumer);
    return this.done;
  }

  /** Streams every file once through every consumer (a no-op pass when nobody subscribed). */
  async run(): Promise<FeedStats> {
    if (this.started) return this.done;
    this.started = true;
    const stats: FeedStats = { events: 0, badLines: 0, badExamples: [], unreadable: [] };
    const consumers = this.consumers;
    if (consumers.length > 0) {
      const one = consumers.length === 1 ? consumers[0] : undefined;
      const onEvent: EventConsumer = one ?? ((event) => consumers.forEach((c) => c(event)));
      for (const file of this.files) {
        try {
          const counts = await readEvents(file.absolute, onEvent, (bad) => {
            if (stats.badExamples.length < 5)
              stats.badExamples.push(`${file.display}:${bad.line}: ${bad.message}`);
          });
          stats.events += counts.events;
          stats.badLines += counts.bad;
        } catch (error) {
          stats.unreadable.push(`${file.display}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        }
      }
    }
    this.resolveDone(stats);
    return stats;
  }
}

/** Notes every section adds about its event input. */
export function eventNotes(stats: FeedStats, files: number): string[] {
  const notes: string[] = [];
  if (files === 0)
    notes.push('No recorded events were given (--events): the impact on activity was not measured.');
  if (stats.badLines > 0)
    notes.push(
      `${stats.badLines} event line(s) could not be read and were skipped, e.g. ${stats.badExamples[0] ?? ''}`,
    );
  for (const file of stats.unreadable) notes.push(`Cannot read the events ${file}.`);
  return notes;
}

/** Keeps counts and the most frequent examples of a few keys without holding every event. */
export class Tally {
  readonly counts = new Map<string, number>();
  total = 0;
  constructor(private readonly maxKeys = 10_000) {}
  add(key: string): void {
    this.total++;
    const count = this.counts.get(key);
    if (count !== undefined) this.counts.set(key, count + 1);
    else if (this.counts.size < this.maxKeys) this.counts.set(key, 1);
  }
  get distinct(): number {
    return this.counts.size;
  }
  /** Most frequent first; ties by name, so reports are stable. */
  top(n: number): { key: string; count: number }[] {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, n)
      .map(([key, count]) => ({ key, count }));
  }
}
