/**
 * A time and memory budget for a whole job. Each parser bounds its own input; a merge request
 * can still add many files, includes and events whose sum keeps a runner busy for an hour or
 * swells the process until the kernel kills it without a word. The job checks its budget at every
 * phase, every linted language and every batch of events, and stops with one verdict line that
 * says which limit, where, and what to do.
 */
import { getHeapStatistics } from 'node:v8';

export interface BudgetLimits {
  /** Wall-clock seconds from the start of the job. */
  seconds: number;
  /** Resident memory of the process, MiB. */
  memoryMiB: number;
}

export const DEFAULT_TIME_LIMIT_SECONDS = 600;

/**
 * 1.5 GiB, or three quarters of V8's heap limit when that is lower (a small runner): the budget
 * must be hit before V8 gives up with a fatal error of its own.
 */
export function defaultMemoryLimitMiB(): number {
  const heap = getHeapStatistics().heap_size_limit / 1048576;
  return Math.max(64, Math.min(1536, Math.floor(heap * 0.75)));
}

/** The job went over its budget: what, where, and the limit it had. */
export class BudgetExceeded extends Error {
  constructor(
    readonly resource: 'time' | 'memory',
    readonly where: string,
    readonly spent: string,
    readonly limit: string,
  ) {
    super(`over its ${resource} budget (${spent} of ${limit}) while ${where}`);
    this.name = 'BudgetExceeded';
  }
}

export interface Meter {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resident set size, bytes. */
  rss(): number;
}

const PROCESS_METER: Meter = { now: () => performance.now(), rss: () => process.memoryUsage.rss() };

/**
 * Reading the resident memory costs about 40 µs (a read of /proc); the clock, under 1 µs. The
 * memory is read at most every `MEMORY_EVERY_MS` (a job does not grow by a gigabyte in 50 ms),
 * so that a check after every batch of events costs nothing measurable.
 */
const MEMORY_EVERY_MS = 50;

export class Budget {
  private readonly started: number;
  private memoryReadAt = -Infinity;

  constructor(
    readonly limits: BudgetLimits,
    private readonly meter: Meter = PROCESS_METER,
  ) {
    this.started = meter.now();
  }

  /** Throws `BudgetExceeded` when the job is over either limit; `where` says what it was doing. */
  check(where: string): void {
    const now = this.meter.now();
    const seconds = (now - this.started) / 1000;
    if (seconds > this.limits.seconds)
      throw new BudgetExceeded('time', where, `${Math.round(seconds)} s`, `${this.limits.seconds} s`);
    if (now - this.memoryReadAt < MEMORY_EVERY_MS) return;
    this.memoryReadAt = now;
    const mib = this.meter.rss() / 1048576;
    if (mib > this.limits.memoryMiB)
      throw new BudgetExceeded('memory', where, `${Math.round(mib)} MiB`, `${this.limits.memoryMiB} MiB`);
  }
}
