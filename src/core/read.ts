/**
 * Reading a file the user pointed us at, defensively: size limit, binary content, invalid UTF-8
 * and unreadable paths become one clear finding instead of a crash or a hang.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { SourceFile } from './source.js';

/** Larger policy files are refused: the largest official Falco rules file is under 200 KiB. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

const MAX_STRING_LENGTH = bufferConstants.MAX_STRING_LENGTH;

export type ReadFailure = {
  reason: 'missing' | 'directory' | 'not-a-file' | 'unreadable' | 'too-large' | 'binary' | 'encoding' | 'outside';
  message: string;
  /** 0-based offset of the bad byte in the decoded prefix, where there is one. */
  offset?: number;
  /** The valid text before the bad byte, so that the offset can be shown as a line and column. */
  prefix?: string;
};

export type ReadResult = { ok: true; file: SourceFile } | { ok: false; failure: ReadFailure };

/** First offset at which a buffer is not valid UTF-8, or -1. */
function invalidUtf8Offset(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** What a path is when it is not a regular file, in the words of a message; undefined for a file. */
export function notARegularFile(stat: Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * What a path is when a data input (events, a snapshot, workloads) cannot be read from it; undefined
 * for a file, a pipe or a socket (how a parent process often hands over stdin), read as streams.
 */
export function notADataInput(stat: Stats): string | undefined {
  return stat.isFIFO() || stat.isSocket() ? undefined : notARegularFile(stat);
}

/**
 * Opens without blocking: opening a FIFO for reading would wait for a writer forever. The type is
 * taken from the open descriptor, so that what is read is what was checked.
 */
function openChecked(path: string, nonBlocking: boolean): { fd: number; stat: Stats } {
  const fd = openSync(path, constants.O_RDONLY | (nonBlocking ? constants.O_NONBLOCK : 0));
  try {
    return { fd, stat: fstatSync(fd) };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Up to `size` bytes of a regular file (fewer if it shrank meanwhile). */
function readAll(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, buffer, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'a loop of symbolic links';
  return code ?? String(error);
}

/**
 * Reads a text file. `displayPath` is the path as the user gave it; `absolutePath` is where it is.
 */
export function readTextFile(
  absolutePath: string,
  displayPath: string,
  maxBytes = MAX_FILE_BYTES,
): ReadResult {
  let bytes: Buffer;
  try {
    const { fd, stat } = openChecked(absolutePath, true);
    try {
      const what = notARegularFile(stat);
      if (what !== undefined)
        return {
          ok: false,
          failure: {
            reason: stat.isDirectory() ? 'directory' : 'not-a-file',
            message: `is ${what}, not a policy file: name the file itself`,
          },
        };
      if (stat.size > maxBytes)
        return {
          ok: false,
          failure: {
            reason: 'too-large',
            message: `file is ${(stat.size / 1048576).toFixed(1)} MiB, over the ${maxBytes / 1048576} MiB limit for a policy file`,
          },
        };
      bytes = readAll(fd, stat.size);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
    return { ok: false, failure: { reason, message: `cannot read: ${describe(error)}` } };
  }
  return decodeText(bytes, displayPath);
}

/** UTF-8 text of a policy or data file, or why it is not text. */
function decodeText(bytes: Buffer, displayPath: string, what = 'a policy file'): ReadResult {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    // The text before the NUL may itself be cut mid-character; show it as far as it decodes.
    const prefix = bytes.subarray(0, nul).toString('utf8');
    return {
      ok: false,
      failure: {
        reason: 'binary',
        message: `binary file (a NUL byte), not ${what}`,
        offset: prefix.length,
        prefix,
      },
    };
  }
  const bad = invalidUtf8Offset(bytes);
  if (bad !== -1) {
    const prefix = bytes.subarray(0, bad).toString('utf8');
    const offset = prefix.length;
    return {
      ok: false,
      failure: {
        reason: 'encoding',
        message: `invalid UTF-8 (byte 0x${(bytes[bad] as number).toString(16)} at byte offset ${bad}); save the file as UTF-8`,
        offset,
        prefix,
      },
    };
  }
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, file: new SourceFile(displayPath, text) };
}

export type DataInput = ReadResult | { ok: true; streamed: true };

/** Chunks of a data input are read into one buffer of this size, reused. */
const CHUNK_BYTES = 1 << 20;

/**
 * Reads a data input (events, a cluster snapshot, workloads): no policy-file size limit, and a
 * pipe or FIFO is read to its end as a stream (`kubectl get pods -o json | chs ... /dev/stdin`).
 * Devices and directories are refused: `/dev/zero` never ends. JSON whose root is an object
 * (`kubectl get -o json`) goes to `json` chunk by chunk as it is read (each chunk valid only during
 * the call), so that it is never whole in memory; anything else is returned whole as text.
 */
export function readDataInput(
  absolutePath: string,
  displayPath: string,
  json: (chunk: Uint8Array) => void,
): DataInput {
  let opened: { fd: number; stat: Stats };
  // A socket (how a parent process often hands over stdin) cannot be opened again by its path.
  const stdin = absolutePath === '/dev/stdin';
  try {
    opened = stdin ? { fd: 0, stat: fstatSync(0) } : openChecked(absolutePath, false);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
    return { ok: false, failure: { reason, message: `cannot read: ${describe(error)}` } };
  }
  const { fd, stat } = opened;
  try {
    const what = notADataInput(stat);
    if (what !== undefined)
      return {
        ok: false,
        failure: {
          reason: stat.isDirectory() ? 'directory' : 'not-a-file',
          message: `is ${what}: give a file or a pipe`,
        },
      };
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const kept: Buffer[] = [];
    let streaming = false;
    let size = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        return { ok: false, failure: { reason: 'unreadable', message: `cannot read: ${describe(error)}` } };
      }
      if (n === 0) break;
      const bytes = chunk.subarray(0, n);
      if (!streaming && kept.length === 0 && startsAnObject(bytes)) streaming = true;
      // A regular file that is not streamed is read into one buffer of its size, not copied twice.
      if (!streaming && kept.length === 0 && stat.isFile() && stat.size <= MAX_STRING_LENGTH)
        return decodeText(readAll(fd, stat.size), displayPath, 'text');
      if (streaming) json(bytes);
      else {
        size += n;
        if (size > MAX_STRING_LENGTH)
          return {
            ok: false,
            failure: {
              reason: 'too-large',
              message: `is over ${(MAX_STRING_LENGTH / 1048576).toFixed(0)} MiB, more than one piece of text can hold here; split it into several files, or give it as JSON (kubectl get -o json), which is read as a stream`,
            },
          };
        kept.push(Buffer.from(bytes));
      }
    }
    if (streaming) return { ok: true, streamed: true };
    return decodeText(Buffer.concat(kept), displayPath, 'text');
  } finally {
    if (!stdin) closeSync(fd);
  }
}

/** Whether the first byte after blanks (and a byte order mark) is `{`: decided on the first chunk. */
function startsAnObject(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  return bytes[i] === 0x7b;
}
