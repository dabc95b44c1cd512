/**
 * Recorded events, read once for every section: each provider subscribes a consumer while it
 * prepares (before its first `await`), then the preview streams the files a single time. A
 * million events are parsed once, not once per policy kind.
 */
import type { RecordedEvent } from '../languages/falco/index.js';
import { performance } from 'node:perf_hooks';
import { BudgetExceeded } from '../core/budget.js';
import type { Spent } from '../core/timing.js';
import { UserError } from '../core/errors.js';
import type { EventSource } from './sources/index.js';
import { StoreError } from './sources/http.js';
import { Progress } from './sources/progress.js';
import type { ProgressWriter } from './sources/progress.js';

export type { RecordedEvent } from '../languages/falco/index.js';

export interface FeedStats {
  events: number;
  badLines: number;
  /** The first bad lines, `file:line: message`. */
  badExamples: string[];
  /** Sources that could not be read (to the end): `source: why`. */
  unreadable: string[];
  /** What each source gave, in order: the Inputs fold shows it. */
  perSource: { source: string; events: number; bad: number }[];
  /**
   * When the stores transferred only some event types: their alerts per rule over the window,
   * counted by the stores themselves (the rules the change does not touch).
   */
  storeAlerts?: Map<string, number>;
}

export type EventConsumer = (event: RecordedEvent) => void;

const noop = (): void => undefined;

/**
 * Where the time of the event pass went: the whole pass (CPU and wall clock), and the wall-clock
 * time of each consumer (by the label it subscribed with); the rest is reading and parsing the
 * lines. The preview's phase timing (`CHS_TIMING=1`) and the benchmark print it.
 */
export interface FeedTimes {
  pass: Required<Spent>;
  consumers: Map<string, number>;
}

/**
 * Events parsed from the input are handed to the consumers a few at a time, one consumer after
 * the other (each consumer's code and tables stay hot, and it can be timed without a clock read
 * per event). Few: a batch is live while the consumers run, and a long one would survive the
 * young generation's collections and be copied (4,096 events cost 2 s more of GC per million).
 */
const BATCH = 64;

export class EventFeed {
  private readonly consumers: { consume: EventConsumer; label: string }[] = [];
  /** The syscall event types every consumer needs; undefined once one needs every event. */
  private needed: Set<string> | undefined = new Set();
  private started = false;
  /** Why the pass must end now (`stop`). */
  private stopped: { error: unknown } | undefined;
  /** What the pass waits for once it has passed on `max` events (`holdBackUntil`). */
  private awaited: { ready: Promise<void>; max: number } | undefined;
  private resolveDone!: (stats: FeedStats) => void;
  private readonly done: Promise<FeedStats>;
  readonly times: FeedTimes = { pass: { cpu: 0, wall: 0 }, consumers: new Map() };

  /** `checkpoint`: called after every batch; throws to stop the pass (the job's budget). */
  constructor(
    readonly sources: readonly EventSource[],
    /** Standard error, for the progress of long reads when it is a terminal. */
    private readonly progressOut?: ProgressWriter,
    private readonly checkpoint: (where: string) => void = () => undefined,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /**
   * Registers a consumer; resolves with the counts once every source was read. `types`: the only
   * syscall event types it can use (a store then transfers no other); by default every event.
   */
  subscribe(consumer: EventConsumer, label = 'events', types?: ReadonlySet<string>): Promise<FeedStats> {
    if (this.started) throw new Error('EventFeed: subscribe before the events are streamed');
    this.consumers.push({ consume: consumer, label });
    if (types === undefined) this.needed = undefined;
    else if (this.needed) for (const type of types) this.needed.add(type);
    return this.done;
  }

  /**
   * Ends the pass at the next batch with this error: what the sections wait for beside it (the
   * cluster state) cannot be had, and reading on would be time lost.
   */
  stop(error: unknown): void {
    this.stopped ??= { error };
  }

  /**
   * The consumers hold back the events they cannot judge until `ready` settles (the cluster state,
   * read beside the pass): past `max` events the pass waits for it, so that what is held stays
   * bounded however slow that read is. Nothing is skipped: the source is read on after.
   */
  holdBackUntil(ready: Promise<unknown>, max: number): void {
    const awaited = { ready: ready.then(noop, noop), max };
    this.awaited = awaited;
    void awaited.ready.then(() => {
      if (this.awaited === awaited) this.awaited = undefined;
    });
  }

  /** Alerts per rule, asked of every store as an aggregation; a store that cannot say is noted. */
  private async countInStores(stats: FeedStats): Promise<void> {
    for (const source of this.sources) {
      if (!source.countByRule) continue;
      try {
        const counts = await source.countByRule();
        stats.storeAlerts ??= new Map();
        for (const [rule, n] of counts) stats.storeAlerts.set(rule, (stats.storeAlerts.get(rule) ?? 0) + n);
      } catch (error) {
        if (error instanceof UserError) throw error;
        stats.unreadable.push(
          `the alerts per rule of ${error instanceof StoreError ? error.message : `${source.display}: ${String(error)}`}`,
        );
      }
    }
  }

  /** What the stores transfer: only these syscall event types, or (undefined) every event. */
  get eventTypes(): ReadonlySet<string> | undefined {
    return this.needed;
  }

  /**
   * Streams every source once through every consumer (a no-op pass when nobody subscribed). A
   * mistake of the user's (an unset credential variable, a refused credential) rejects: the
   * preview stops with that line rather than post a report without the events.
   */
  async run(): Promise<FeedStats> {
    if (this.started) return this.done;
    this.started = true;
    const stats: FeedStats = { events: 0, badLines: 0, badExamples: [], unreadable: [], perSource: [] };
    if (this.consumers.length > 0) {
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      const consumers = this.consumers.map((c) => ({ ...c, wall: 0 }));
      const batch: RecordedEvent[] = [];
      const dispatch = (): void => {
        if (this.stopped) throw this.stopped.error;
        if (batch.length === 0) return;
        let clock = performance.now();
        for (const consumer of consumers) {
          const consume = consumer.consume;
          for (let i = 0; i < batch.length; i++) consume(batch[i] as RecordedEvent);
          const now = performance.now();
          consumer.wall += now - clock;
          clock = now;
        }
        batch.length = 0;
        this.checkpoint('reading the recorded events');
      };
      const progress = this.progressOut?.isTTY ? new Progress(this.progressOut) : undefined;
      for (const source of this.sources) {
        const counts = { source: source.display, events: 0, bad: 0 };
        stats.perSource.push(counts);
        progress?.begin();
        try {
          await source.read({
            ...(this.needed ? { types: this.needed } : {}),
            event: (event) => {
              counts.events++;
              if (batch.push(event) >= BATCH) dispatch();
            },
            bad: (where, message) => {
              counts.bad++;
              if (stats.badExamples.length < 5) stats.badExamples.push(`${where}: ${message}`);
            },
            progress: (fraction): Promise<void> | undefined => {
              dispatch();
              progress?.update(source.display, counts.events, fraction);
              // Past the bound, the next chunk or page waits for what the held events wait for.
              if (this.awaited && stats.events + counts.events >= this.awaited.max) return this.awaited.ready;
            },
          });
          dispatch();
        } catch (error) {
          if (error instanceof BudgetExceeded || (this.stopped && error === this.stopped.error)) {
            progress?.end();
            throw error;
          }
          // The events read before the failure still count; a consumer that failed on them
          // would fail again, so the batch is then dropped with the source reported.
          try {
            dispatch();
          } catch {
            batch.length = 0;
          }
          if (error instanceof UserError) {
            progress?.end();
            throw error;
          }
          stats.unreadable.push(
            error instanceof StoreError
              ? error.message
              : `${source.display}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          );
        } finally {
          stats.events += counts.events;
          stats.badLines += counts.bad;
        }
      }
      progress?.end();
      if (this.stopped) throw this.stopped.error;
      if (this.needed) await this.countInStores(stats);
      const used = process.cpuUsage(cpu0);
      this.times.pass = { cpu: (used.user + used.system) / 1000, wall: performance.now() - wall0 };
      for (const { label, wall } of consumers)
        this.times.consumers.set(label, (this.times.consumers.get(label) ?? 0) + wall);
    }
    this.resolveDone(stats);
    return stats;
  }
}

/** Notes every section adds about its event input. */
export function eventNotes(stats: FeedStats, sources: number): string[] {
  const notes: string[] = [];
  if (sources === 0)
    notes.push('No recorded events were given (--events): the impact on activity was not measured.');
  if (stats.badLines > 0)
    notes.push(
      `${stats.badLines} event line(s) could not be read and were skipped, e.g. ${stats.badExamples[0] ?? ''}`,
    );
  for (const source of stats.unreadable) notes.push(`Cannot read the events of ${source}.`);
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
