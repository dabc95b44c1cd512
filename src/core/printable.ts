/**
 * Text that came from a file, an event or a server, made safe to print. A policy file or a
 * recorded event is written by someone we do not trust: an escape sequence in it would move the
 * cursor, rewrite earlier lines or retitle the terminal of whoever reads the job log, and a NUL or
 * a bidirectional override hides what the line really says. Each such character is shown as its
 * escape (`\x1b`, `\u202e`), so the reader still sees that it is there. Newlines and tabs stay.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function printable(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, escape) : text;
}
