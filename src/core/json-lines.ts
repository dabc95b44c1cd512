/**
 * Where the items of a JSON List are (`kubectl get -o json`), found by one pass over the text that
 * tracks only strings and brackets: JSON.parse gives the values fast but no positions, and a
 * parser that keeps a position for every node costs many times the memory of the values.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/** One element of a List's `items`: its text is `text.slice(start, end)` (blanks around it included). */
export interface JsonItem {
  start: number;
  end: number;
  /** 1-based. */
  line: number;
}

/**
 * Each element of the root object's `"items"` array, in order, so that each can be parsed alone
 * and let go; empty when the root is no object or has no such array. Assumes text that JSON.parse
 * accepts.
 */
export function jsonItems(text: string): JsonItem[] {
  const items: JsonItem[] = [];
  let line = 1;
  let depth = 0;
  /** The depth of the `items` array's elements while inside it, else -1. */
  let itemsDepth = -1;
  let lastKey = '';
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    if (expectElement) {
      if (c !== 0x5d) items.push({ start: i, end: text.length, line });
      expectElement = false;
    }
    if (c === QUOTE) {
      const start = i + 1;
      i++;
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i += 2;
        else if (d === QUOTE) break;
        else i++;
      }
      // A key of the root object: the string before its colon (only `items` matters).
      if (depth === 1) lastKey = i - start === 5 ? text.slice(start, i) : '';
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (c === 0x5b && depth === 2 && lastKey === 'items' && itemsDepth === -1) {
        itemsDepth = depth;
        expectElement = true;
      }
    } else if (c === 0x7d || c === 0x5d) {
      if (c === 0x5d && depth === itemsDepth) {
        itemsDepth = -2;
        const last = items.at(-1);
        if (last) last.end = i;
      }
      depth--;
    } else if (c === 0x2c && depth === itemsDepth) {
      const last = items.at(-1);
      if (last) last.end = i;
      expectElement = true;
    }
  }
  return items;
}
