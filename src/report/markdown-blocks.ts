/**
 * Safe Markdown for GitLab notes: escaping of everything that comes from a repository or a
 * cluster, and a small block model rendered within a character budget so that a cut report is
 * still well-formed (tables keep their header, code fences and <details> are closed).
 */
import { maxOf } from '../core/arrays.js';

/** GitLab refuses notes longer than this many characters. */
export const GITLAB_NOTE_LIMIT = 1_000_000;

const ZWSP = '&#8203;';
/** Longest text shown for one name or message: the rest is cut with an ellipsis. */
const MAX_INLINE = 2_000;

/** What `clean` takes out or flattens; most names hold none of it. */
const UNCLEAN = /[\u0000-\u001f\u007f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function clean(text: string): string {
  const flat = UNCLEAN.test(text)
    ? text
        .replace(/\r\n|\r|\n/g, ' ')
        .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '')
    : text;
  return flat.length > MAX_INLINE ? `${flat.slice(0, MAX_INLINE)}…` : flat;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** ASCII punctuation: a backslash before one of these is an escape, before anything else a backslash. */
const PUNCTUATION = /[!-/:-@[-`{-~]/;

/** The characters `escapeText` acts on. */
const SPECIAL = /[&<>\\`*[\]|$~_#!@%{:]/g;
const NAME_RUN = /[\w+-]*/y;

/**
 * Whether `name:` follows at `at` (a name of word characters, `+` and `-` with a letter in it): the
 * end of an emoji. One pass over the name, however long (a pattern with two runs around the letter
 * would try every split of it).
 */
function emojiName(text: string, at: number): boolean {
  NAME_RUN.lastIndex = at;
  const name = NAME_RUN.exec(text)?.[0] ?? '';
  return text.charCodeAt(at + name.length) === 0x3a && /[a-z]/i.test(name);
}

/**
 * Untrusted text as inline Markdown that reads as the same text: no HTML, no emphasis, links or
 * block syntax, no table cell breaks, and none of GitLab's references (@user, #1, !1, ~label,
 * %milestone, $snippet, &epic), inline diffs, emoji or autolinks, which are broken with a
 * zero-width space. Only what Markdown or GitLab would act on is touched: `SCMP_ACT_ALLOW`,
 * `priority-changed` and `alert(s)` stay as they are, in the Markdown as in the page.
 */
const WORD = /[\p{L}\p{N}]/u;
const word = (ch: string): boolean => WORD.test(ch);

export function escapeText(text: string): string {
  const flat = clean(text);
  let out = '';
  // Only the characters below are touched: the text between them is copied in one piece.
  let copied = 0;
  SPECIAL.lastIndex = 0;
  for (let found = SPECIAL.exec(flat); found; found = SPECIAL.exec(flat)) {
    const i = found.index;
    out += flat.slice(copied, i);
    copied = i + 1;
    const c = found[0];
    const before = flat[i - 1] ?? ' ';
    const after = flat[i + 1] ?? ' ';
    switch (c) {
      case '&':
        out += word(after) ? `&amp;${ZWSP}` : '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '\\':
        // A backslash escapes only the punctuation after it (and ends a line at the end of one).
        out += PUNCTUATION.test(after) || i === flat.length - 1 ? '\\\\' : '\\';
        break;
      case '`':
      case '*':
      case '[':
      case ']':
      case '|':
      case '$':
        out += `\\${c}`;
        // `[-deletion-]` is one of GitLab's inline diffs, made from the text after Markdown.
        if (c === '[' && (after === '-' || after === '+')) out += ZWSP;
        break;
      case '~':
        // Strikethrough, and a label reference when a word follows.
        out += word(after) ? `\\~${ZWSP}` : '\\~';
        break;
      case '_':
        // Inside a word an underscore emphasises nothing (CommonMark's flanking rules).
        out += word(before) && word(after) ? '_' : '\\_';
        break;
      case '#':
      case '!':
      case '@':
      case '%':
        // References and mentions are found in the text after Markdown: only a break stops them.
        out += c === '#' && i === 0 && /[\s#]/.test(after) ? '\\#' : c;
        if (word(after) || (c === '%' && after === '"')) out += ZWSP;
        break;
      case '{':
        out += after === '+' || after === '-' ? `{${ZWSP}` : c;
        break;
      case ':':
        // `:name:` is an emoji, `://` an autolink.
        out += c;
        if (emojiName(flat, i + 1) || flat.startsWith('//', i + 1)) out += ZWSP;
        break;
    }
  }
  out += flat.slice(copied);
  // Block syntax, should the text start a line: a list item, a setext underline.
  out = out.replace(/^([-+](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|=+\s*$)/, (m) =>
    /^\d/.test(m) ? `${m}\\` : `\\${m}`,
  );
  return out.replace(/\b(www)\./gi, `$1${ZWSP}.`);
}

/**
 * Untrusted text as a code span (names, paths): shown verbatim in monospace. GitLab does not look
 * for references inside code; in a table cell `|` must still be escaped.
 */
export function codeSpan(text: string, inTable = false): string {
  let body = clean(text);
  if (body === '') return '(empty)';
  if (inTable) body = body.replace(/\|/g, '\\|');
  const longest = maxOf(
    (body.match(/`+/g) ?? []).map((run) => run.length),
    0,
  );
  const fence = '`'.repeat(longest + 1);
  const pad =
    body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** Untrusted text inside an HTML element (a <summary>), as code. */
export function htmlCode(text: string): string {
  return `<code>${escapeHtml(clean(text))}</code>`;
}

export type MdBlock =
  /** Markdown already made safe; kept whole or left out. */
  | { type: 'raw'; text: string }
  /** Cells already made safe (escapeText / codeSpan with inTable). */
  | { type: 'table'; header: string[]; rows: string[][] }
  /** Untrusted text shown verbatim. */
  | { type: 'code'; lang: string; text: string }
  /** `summary` is safe HTML (see htmlCode, escapeHtml). */
  | { type: 'details'; summary: string; children: MdBlock[] };

export interface Rendered {
  text: string;
  truncated: boolean;
}

function fenceFor(text: string): string {
  const longest = maxOf(
    (text.match(/^ {0,3}`{3,}/gm) ?? []).map((run) => run.trim().length),
    0,
  );
  return '`'.repeat(Math.max(3, longest + 1));
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Renders one block within `budget` characters; a block that does not fit whole is cut cleanly. */
function renderBlock(block: MdBlock, budget: number): Rendered | undefined {
  switch (block.type) {
    case 'raw':
      return block.text.length <= budget ? { text: block.text, truncated: false } : undefined;
    case 'table': {
      const head = `${row(block.header)}\n${row(block.header.map(() => '---'))}`;
      if (head.length > budget) return undefined;
      const lines = [head];
      let used = head.length;
      // The line saying how many rows were left out, made only when rows may be left out.
      const moreLine = (i: number): string =>
        `\n${row([`… ${block.rows.length - i} more rows in the artifact`, ...block.header.slice(1).map(() => '')])}`;
      const finite = budget !== Infinity;
      for (let i = 0; i < block.rows.length; i++) {
        const line = row(block.rows[i] as string[]);
        const more = finite ? moreLine(i) : '';
        const reserve = i + 1 < block.rows.length ? more.length : 0;
        if (used + 1 + line.length + reserve > budget) {
          return used + more.length <= budget
            ? { text: lines.join('\n') + more, truncated: true }
            : { text: lines.join('\n'), truncated: true };
        }
        lines.push(line);
        used += 1 + line.length;
      }
      return { text: lines.join('\n'), truncated: false };
    }
    case 'code': {
      const fence = fenceFor(block.text);
      const body = block.text.endsWith('\n') ? block.text.slice(0, -1) : block.text;
      const open = `${fence}${block.lang}\n`;
      const close = `\n${fence}`;
      const whole = `${open}${body}${close}`;
      if (whole.length <= budget) return { text: whole, truncated: false };
      const cut = '\n… (cut: the full text is in the artifact)';
      const room = budget - open.length - close.length - cut.length;
      if (room <= 0) return undefined;
      const lines = body.split('\n');
      const kept: string[] = [];
      let used = 0;
      for (const line of lines) {
        if (used + line.length + 1 > room) break;
        kept.push(line);
        used += line.length + 1;
      }
      if (kept.length === 0) return undefined;
      return { text: `${open}${kept.join('\n')}${cut}${close}`, truncated: true };
    }
    case 'details': {
      const open = `<details><summary>${block.summary}</summary>\n\n`;
      const close = '\n\n</details>';
      if (open.length + close.length > budget) return undefined;
      const inner = renderBlocks(block.children, budget - open.length - close.length);
      return { text: `${open}${inner.text}${close}`, truncated: inner.truncated };
    }
  }
}

/** Renders blocks separated by blank lines; stops at the first block that had to be cut. */
export function renderBlocks(blocks: readonly MdBlock[], budget: number = Infinity): Rendered {
  const parts: string[] = [];
  let used = 0;
  for (const block of blocks) {
    const separator = parts.length > 0 ? 2 : 0;
    const rendered = renderBlock(block, budget - used - separator);
    if (!rendered) return { text: parts.join('\n\n'), truncated: true };
    parts.push(rendered.text);
    used += separator + rendered.text.length;
    if (rendered.truncated) return { text: parts.join('\n\n'), truncated: true };
  }
  return { text: parts.join('\n\n'), truncated: false };
}
