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

function clean(text: string): string {
  const flat = text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '');
  return flat.length > MAX_INLINE ? `${flat.slice(0, MAX_INLINE)}…` : flat;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/**
 * Untrusted text as inline Markdown that reads as the same text: no HTML, no emphasis or links,
 * no table cell breaks, and none of GitLab's references (@user, #1, !1, ~label, %milestone,
 * $snippet, &epic) or autolinks, which are broken with a zero-width space.
 */
export function escapeText(text: string): string {
  // Quotes stay as they are: as entities (&#39;) their `#` would be escaped below and show.
  let out = clean(text).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
  out = out.replace(/[\\`*_[\]()|{}#+!~-]/g, '\\$&');
  out = out.replace(/([@%$]|\\[#!~]|&amp;)(?=[\p{L}\p{N}_])/gu, `$1${ZWSP}`);
  out = out.replace(/:\/\//g, `:${ZWSP}//`).replace(/\b(www)\./gi, `$1${ZWSP}.`);
  return out;
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
      for (let i = 0; i < block.rows.length; i++) {
        const line = row(block.rows[i] as string[]);
        const more = `\n${row([`… ${block.rows.length - i} more rows in the artifact`, ...block.header.slice(1).map(() => '')])}`;
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
