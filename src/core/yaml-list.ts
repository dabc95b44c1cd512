/**
 * A YAML List as `kubectl get -o yaml` prints it (one document, `items:` a block sequence) read
 * a few megabytes of items at a time: the text is cut at the lines that open an item, each batch
 * is parsed alone and its items handed over, their positions with them. Parsed whole, 100,000 pods (250 MB of YAML) held
 * every parser event and every node at once and peaked past 1 GB. Text not laid out so (several documents, anchors, directives, a tab at the start of a
 * line) is not cut: the caller parses it whole. Without anchors no alias reaches across items,
 * and a line at the sequence's indentation that opens an item cannot be inside the one before.
 */
import { parseYaml } from './yaml.js';

export interface YamlListItem {
  value: unknown;
  /** Where the item's node starts in the whole text. */
  start: number;
}

export type YamlListResult =
  { ok: true; list: Record<string, unknown> } | { ok: false; error: { message: string; offset: number } };

const BATCH = 4 << 20;
const ITEMS = /^items:[ \t]*(?:#[^\n]*)?\r?\n/m;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t\r\n]|$)/gm;
const DIRECTIVE = /^%/m;
/** An anchor (`&name` after a blank or a flow indicator): an alias may then reach across items. */
const ANCHOR = /(?:^|[\s[{,])&[^\s&,[\]{}]/m;

interface Cut {
  /** The text without the items: what holds `kind`, `apiVersion`, `metadata`. */
  skeleton: string;
  items: { start: number; end: number }[];
}

/** The lines that open each item of the sequence after `items:`; undefined when the text is not so. */
function cut(text: string): Cut | undefined {
  const found = ITEMS.exec(text);
  if (!found) return undefined;
  if (DIRECTIVE.test(text) || ANCHOR.test(text)) return undefined;
  // One document: a `---` may open it, nothing else may end it or start another.
  DOCUMENT_MARKER.lastIndex = 0;
  for (let marker = DOCUMENT_MARKER.exec(text); marker; marker = DOCUMENT_MARKER.exec(text))
    if (marker.index !== 0 || marker[0].startsWith('.')) return undefined;
  const regionStart = found.index + found[0].length;
  const items: { start: number; end: number }[] = [];
  let indent = -1;
  let at = regionStart;
  let end = text.length;
  while (at < text.length) {
    const next = text.indexOf('\n', at);
    const lineEnd = next === -1 ? text.length : next + 1;
    let column = at;
    while (text.charCodeAt(column) === 0x20) column++;
    const c = text.charCodeAt(column);
    if (c === 0x09) return undefined;
    const blank = column >= lineEnd - 1 || c === 0x0d || c === 0x0a || c === 0x23;
    if (!blank) {
      const depth = column - at;
      const after = text.charCodeAt(column + 1);
      const opens = c === 0x2d && (Number.isNaN(after) || after === 0x20 || after === 0x0a || after === 0x0d);
      if (indent === -1) {
        if (!opens) return undefined;
        indent = depth;
      }
      if (depth < indent || (depth === indent && !opens)) {
        end = at;
        break;
      }
      if (depth === indent) {
        const last = items[items.length - 1];
        if (last) last.end = at;
        items.push({ start: at, end: text.length });
      }
    }
    at = lineEnd;
  }
  const last = items[items.length - 1];
  if (!last) return undefined;
  last.end = end;
  return { skeleton: text.slice(0, regionStart) + text.slice(end), items };
}

/**
 * Reads a List item by item, `take` getting each; undefined when the text is not a List laid out
 * as kubectl prints it (nothing was taken: parse it whole). After an error some items were taken.
 */
export function readYamlList(text: string, take: (item: YamlListItem) => void): YamlListResult | undefined {
  const parts = cut(text);
  if (!parts) return undefined;
  const skeleton = parseYaml(parts.skeleton);
  if (!skeleton.ok || skeleton.documents.length !== 1) return undefined;
  const list = skeleton.documents[0]?.value;
  if (typeof list !== 'object' || list === null || Array.isArray(list)) return undefined;
  const head = list as Record<string, unknown>;
  if (head.items !== null || typeof head.kind !== 'string' || !head.kind.endsWith('List')) return undefined;
  const items = parts.items;
  for (let i = 0; i < items.length;) {
    // Items are parsed a batch at a time: the parser's events for 4 MB stay small, and js-yaml
    // runs two to three times slower over many small texts than over a few large ones.
    const start = (items[i] as { start: number }).start;
    let j = i + 1;
    while (j < items.length && (items[j] as { start: number }).start - start < BATCH) j++;
    const end = (items[j - 1] as { end: number }).end;
    const parsed = parseYaml(text.slice(start, end));
    if (!parsed.ok)
      return { ok: false, error: { message: parsed.error.message, offset: start + parsed.error.offset } };
    const root = parsed.documents[0]?.root;
    const nodes = root?.kind === 'seq' ? root.items : [];
    if (nodes.length !== j - i || parsed.documents.length !== 1)
      return { ok: false, error: { message: 'expected the items of the List', offset: start } };
    for (const node of nodes) take({ value: node.value, start: start + node.start });
    i = j;
  }
  return { ok: true, list: head };
}
