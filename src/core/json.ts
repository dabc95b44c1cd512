/**
 * Strict JSON syntax check of a whole text, with the offset, line and column of the first error.
 * Files read by Go's encoding/json (seccomp profiles: runc, containerd, Docker) accept JSON only;
 * their positioned values come from parseJsonTree (json-tree.ts) once the text is known to be JSON.
 * The check is the one the streamed data inputs get (JsonItemStream, json-lines.ts), fed the
 * text's UTF-8 a slice at a time: the same messages and depth limit everywhere.
 */
import { JsonItemStream, JsonStreamError, MAX_JSON_DEPTH } from './json-lines.js';

export { MAX_JSON_DEPTH };

export interface JsonSyntaxError {
  message: string;
  /** In the text (UTF-16 code units). */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/**
 * Characters encoded at a time, into one buffer used again for each slice (the check keeps
 * nothing of a chunk): the bytes of a large profile are never all in memory at once.
 */
const SLICE = 1 << 18;
const encoder = new TextEncoder();
let buffer: Uint8Array | undefined;

/** The offset of a 1-based line and column (lines end at `\n`, as the stream counts them). */
function offsetOf(text: string, line: number, column: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) start = text.indexOf('\n', start) + 1;
  return Math.min(text.length, start + column - 1);
}

/** Undefined when `text` is one JSON value (surrounded by white space only). */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  // The stream skips a byte order mark as a file's first bytes; a text has had it taken off.
  if (text.charCodeAt(0) === 0xfeff)
    return {
      message: 'a byte order mark (U+FEFF) before the JSON: save the file as UTF-8 without it',
      offset: 0,
      line: 1,
      column: 1,
    };
  const stream = new JsonItemStream(undefined);
  // At most three bytes of UTF-8 per UTF-16 code unit.
  const bytes = (buffer ??= new Uint8Array(3 * SLICE));
  try {
    for (let at = 0; at < text.length;) {
      let to = Math.min(text.length, at + SLICE);
      // A surrogate pair is encoded whole.
      const last = text.charCodeAt(to - 1);
      if (to < text.length && last >= 0xd800 && last <= 0xdbff) to--;
      const { written } = encoder.encodeInto(text.slice(at, to), bytes);
      stream.push(bytes.subarray(0, written));
      at = to;
    }
    stream.end();
  } catch (error) {
    if (!(error instanceof JsonStreamError)) throw error;
    return {
      message: error.message,
      offset: offsetOf(text, error.line, error.column),
      line: error.line,
      column: error.column,
    };
  }
  return undefined;
}
