/**
 * Recorded events in: JSON Lines, read as a stream (a file far larger than memory works), gzip
 * recognised by its magic bytes. A line is a Falco alert (its `output_fields` are the known
 * fields) or `{"time", "source", "fields": {...}}`. A bad line is counted and reported with its
 * number; it never stops the stream.
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Zlib from 'node:zlib';
import { pipeline, Readable } from 'node:stream';
import { UserError } from '../../../core/errors.js';
import type { Fields } from './fields.js';

/** zlib on the first gzipped file: the Falco API is loaded by `chs lint`, which reads no events. */
let zlibModule: typeof Zlib | undefined;
const zlib = (): typeof Zlib => (zlibModule ??= createRequire(import.meta.url)('node:zlib') as typeof Zlib);

export interface RecordedEvent {
  /** 1-based line number in its file. */
  line: number;
  source: string;
  fields: Fields;
  /** The line's `time`, as written. */
  time?: unknown;
  hostname?: string;
}

export interface BadLine {
  line: number;
  message: string;
}

export interface StreamStats {
  lines: number;
  events: number;
  bad: number;
}

/**
 * Empty lines in a row past which a stream is no file of events: a week of real events has none,
 * and 1 MB of gzip inflates to a gigabyte of newlines that would take minutes to count.
 */
export const MAX_EMPTY_LINES_IN_A_ROW = 1_000_000;

/**
 * Bytes inflated per byte of gzip past which a stream is no file of events. Falco's JSON alerts
 * compress about 70 to 1 (a file of one alert repeated: 200 to 1); a gigabyte of newlines in 1 MB
 * of gzip is 1,000 to 1. Checked once INFLATE_CHECKED_AFTER bytes have come out.
 */
export const MAX_INFLATE_RATIO = 500;
const INFLATE_CHECKED_AFTER = 64 * 1024 * 1024;

/** A stream that cannot be events (see MAX_EMPTY_LINES_IN_A_ROW); stops the reading of its file. */
export class NotEventsError extends Error {}

/**
 * An events file that cannot be read to its end: truncated or corrupt gzip, no events at all, or
 * no file. One rule for every command that reads events (`falco replay`, `preview`): exit 2 with
 * this line, rather than a count over the part that was read.
 */
export class EventFileError extends UserError {
  constructor(display: string, reason: string) {
    super(`${display}: ${reason}`);
  }
}

/** Longer lines are refused (and skipped) rather than buffered without end. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One line's event, or the reason it is not one. */
export function parseEventLine(text: string, line: number): RecordedEvent | BadLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line, message: `not valid JSON (${(error as Error).message})` };
  }
  return eventFromValue(value, line);
}

/** A parsed JSON value's event (a Falco alert or `{"fields": ...}`), or the reason it is not one. */
export function eventFromValue(value: unknown, line: number): RecordedEvent | BadLine {
  if (!isObject(value)) return { line, message: 'not a JSON object' };
  const fields = isObject(value.output_fields)
    ? value.output_fields
    : isObject(value.fields)
      ? value.fields
      : undefined;
  if (fields === undefined)
    return { line, message: 'neither a Falco alert ("output_fields") nor an event ("fields": {...})' };
  const source = value.source === undefined ? 'syscall' : value.source;
  if (typeof source !== 'string') return { line, message: '"source" must be a string' };
  const event: RecordedEvent = { line, source, fields };
  if (value.time !== undefined) event.time = value.time;
  if (typeof value.hostname === 'string') event.hostname = value.hostname;
  return event;
}

interface EventStream {
  bytes: AsyncIterable<Buffer>;
  /** The decompressor, once the stream is known to be gzip: how much of the file it has taken. */
  gunzip?: Zlib.Gunzip;
}

/**
 * The bytes of a file or a pipe, decompressed when they start as gzip does. Standard input is the
 * process's own (it may be a socket, which cannot be opened again by its path). Errors, the file's
 * and the decompressor's, come out of the iteration.
 */
function openEventStream(path: string): EventStream {
  const raw = path === '/dev/stdin' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  const opened: { bytes?: AsyncIterable<Buffer>; gunzip?: Zlib.Gunzip } = {};
  return Object.assign(opened, { bytes: recognised(raw as AsyncIterable<Buffer>, opened) });
}

/** Looks at the first two bytes as they come (a pipe may give one at a time), then passes all on. */
async function* recognised(
  raw: AsyncIterable<Buffer>,
  opened: { gunzip?: Zlib.Gunzip },
): AsyncIterable<Buffer> {
  const source = raw[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  let ended = false;
  while (head.length < 2 && !ended) {
    const next = await source.next();
    if (next.done) ended = true;
    else head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  async function* all(): AsyncIterable<Buffer> {
    if (head.length > 0) yield head;
    while (!ended) {
      const next = await source.next();
      if (next.done) ended = true;
      else yield next.value;
    }
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* all();
    return;
  }
  const gunzip = zlib().createGunzip();
  opened.gunzip = gunzip;
  // pipeline, unlike pipe, hands a read error on to the decompressor, ending the iteration with it.
  yield* inflationBounded(
    pipeline(Readable.from(all(), { objectMode: false }), gunzip, () => undefined),
    gunzip,
  );
}

async function* inflationBounded(stream: Readable, gunzip: Zlib.Gunzip): AsyncIterable<Buffer> {
  let out = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    out += chunk.length;
    if (out > INFLATE_CHECKED_AFTER && out > MAX_INFLATE_RATIO * gunzip.bytesWritten)
      throw new NotEventsError(
        `${gunzip.bytesWritten.toLocaleString('en-US')} bytes of gzip inflate to more than ${MAX_INFLATE_RATIO} times their size (${out.toLocaleString('en-US')} bytes): not a file of events`,
      );
    yield chunk;
  }
}

/** The one line for an events file that cannot be read to its end. */
function eventFileError(display: string, error: unknown, gunzip: Zlib.Gunzip | undefined): Error {
  if (error instanceof NotEventsError) return new EventFileError(display, error.message);
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code.startsWith('Z_'))
    return new EventFileError(
      display,
      `not valid gzip at byte ${(gunzip?.bytesWritten ?? 0).toLocaleString('en-US')} (${(error as Error).message}): the file is truncated or corrupt; copy or record it again`,
    );
  // A system call's failure (EACCES, ENOENT, EIO, ENXIO for a socket named by its path...).
  if ((error as NodeJS.ErrnoException).syscall !== undefined && code !== '')
    return new EventFileError(display, `cannot read (${code})`);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Calls `onLine` with every non-blank line of a stream of bytes, split on `\n` (a `\r` before it
 * is dropped), decoded as UTF-8. Lines over MAX_LINE_BYTES go to `onTooLong`.
 */
export async function forEachLine(
  stream: AsyncIterable<Buffer | string>,
  onLine: (text: string, line: number) => void,
  onTooLong: (line: number) => void,
  afterChunk?: () => Promise<void> | void,
): Promise<number> {
  let line = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let empty = 0;
  const emitText = (text: string): void => {
    line++;
    if (text.trim() !== '') {
      empty = 0;
      onLine(text.endsWith('\r') ? text.slice(0, -1) : text, line);
    } else if (++empty > MAX_EMPTY_LINES_IN_A_ROW)
      throw new NotEventsError(
        `more than ${MAX_EMPTY_LINES_IN_A_ROW.toLocaleString('en-US')} empty lines in a row from line ${line - empty + 1}: not a file of events`,
      );
  };
  const emit = (bytes: Buffer, from: number, to: number): void => {
    if (to - from > MAX_LINE_BYTES) {
      line++;
      onTooLong(line);
    } else emitText(from === to ? '' : bytes.toString('utf8', from, to));
  };
  for await (const piece of stream) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let start = 0;
    const first = chunk.indexOf(0x0a);
    if (first !== -1) {
      // The line the previous chunks began.
      if (skipping) {
        skipping = false;
        line++;
      } else if (pending.length > 0) {
        pending.push(chunk.subarray(0, first));
        const whole = Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        emit(whole, 0, whole.length);
      } else emit(chunk, 0, first);
      start = first + 1;
      // The whole lines of the chunk, decoded at once (a newline byte is never inside a
      // character, so each line decodes as it would alone) and cut as a string: one decoding
      // and no Buffer per line.
      const last = chunk.lastIndexOf(0x0a);
      if (last > start && last - start <= MAX_LINE_BYTES) {
        const text = chunk.toString('utf8', start, last);
        let from = 0;
        for (;;) {
          const nl = text.indexOf('\n', from);
          if (nl === -1) break;
          emitText(text.slice(from, nl));
          from = nl + 1;
        }
        emitText(text.slice(from));
        start = last + 1;
      } else
        for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
          emit(chunk, start, nl);
          start = nl + 1;
        }
    }
    if (start < chunk.length && !skipping) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_LINE_BYTES) {
        pending = [];
        pendingBytes = 0;
        skipping = true;
        onTooLong(line + 1);
      }
    }
    if (afterChunk) await afterChunk();
  }
  if (skipping) line++;
  else if (pending.length > 0) {
    const whole = Buffer.concat(pending);
    emit(whole, 0, whole.length);
  }
  return line;
}

/**
 * Streams a file of recorded events (`display` names it in messages). Resolves with the counts;
 * rejects with an EventFileError when the file cannot be read to its end.
 */
export async function readEvents(
  path: string,
  display: string,
  onEvent: (event: RecordedEvent) => void,
  onBad: (bad: BadLine) => void,
  afterChunk?: () => Promise<void> | void,
): Promise<StreamStats> {
  const stats: StreamStats = { lines: 0, events: 0, bad: 0 };
  let opened: EventStream | undefined;
  try {
    opened = openEventStream(path);
    stats.lines = await forEachLine(
      opened.bytes,
      (text, line) => {
        const parsed = parseEventLine(text, line);
        if ('fields' in parsed) {
          stats.events++;
          onEvent(parsed);
        } else {
          stats.bad++;
          onBad(parsed);
        }
      },
      (line) => {
        stats.bad++;
        onBad({ line, message: `line longer than ${MAX_LINE_BYTES / 1048576} MiB, skipped` });
      },
      afterChunk,
    );
  } catch (error) {
    throw eventFileError(display, error, opened?.gunzip);
  }
  return stats;
}
