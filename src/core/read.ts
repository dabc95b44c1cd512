/**
 * Reading a file the user pointed us at, defensively: size limit, binary content, invalid UTF-8
 * and unreadable paths become one clear finding instead of a crash or a hang.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { SourceFile } from './source.js';

/** Larger policy files are refused: the largest official Falco rules file is under 200 KiB. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type ReadFailure = {
  reason: 'missing' | 'directory' | 'unreadable' | 'too-large' | 'binary' | 'encoding' | 'outside';
  message: string;
  /** 0-based offset of the bad byte in the decoded prefix, where there is one. */
  offset?: number;
  /** The valid text before the bad byte, so that the offset can be shown as a line and column. */
  prefix?: string;
};

export type ReadResult = { ok: true; file: SourceFile } | { ok: false; failure: ReadFailure };

/** First offset at which a buffer is not valid UTF-8, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
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

function readAll(path: string, size: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'is a directory';
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
  let size: number;
  try {
    const stat = statSync(absolutePath);
    if (stat.isDirectory())
      return { ok: false, failure: { reason: 'directory', message: 'is a directory, not a file' } };
    size = stat.size;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
    return { ok: false, failure: { reason, message: `cannot read: ${describe(error)}` } };
  }
  if (size > maxBytes) {
    return {
      ok: false,
      failure: {
        reason: 'too-large',
        message: `file is ${(size / 1048576).toFixed(1)} MiB, over the ${maxBytes / 1048576} MiB limit for a policy file`,
      },
    };
  }
  let bytes: Buffer;
  try {
    bytes = readAll(absolutePath, size);
  } catch (error) {
    return { ok: false, failure: { reason: 'unreadable', message: `cannot read: ${describe(error)}` } };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    // The text before the NUL may itself be cut mid-character; show it as far as it decodes.
    const prefix = bytes.subarray(0, nul).toString('utf8');
    return {
      ok: false,
      failure: {
        reason: 'binary',
        message: 'binary file (a NUL byte), not a policy file',
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
