/**
 * Text that remembers where each character came from. Falco builds a rule's condition as text
 * (appended conditions joined by a blank, exceptions added around it, list names replaced by their
 * items) and parses the result; SourcedText does the same edits while keeping, for every
 * character, the YAML scalar and the offset inside its value it came from, so a message about the
 * final text points at the exact token in the rules file.
 */
import type { Range } from '../../../core/diagnostic.js';
import type { YamlNode, YamlScalar } from '../../../core/yaml.js';

export interface LoadedFile {
  /** The path as the user gave it. */
  path: string;
  text: string;
  /** A baseline file (chs.yaml `falco.baseline`): loaded first, its own findings not reported. */
  baseline: boolean;
}

/** A YAML node of a rules file that text came from. */
export interface Site {
  file: LoadedFile;
  node: YamlNode;
}

interface Segment {
  start: number;
  end: number;
  site: Site | undefined;
  /** Offset inside the site's value of the segment's first character. */
  base: number;
  /** Every character maps to `base` (text the loader made up, such as a list's items). */
  fixed: boolean;
}

export class SourcedText {
  text = '';
  private segments: Segment[] = [];

  static of(text: string, site?: Site): SourcedText {
    return new SourcedText().append(text, site);
  }

  clone(): SourcedText {
    const copy = new SourcedText();
    copy.text = this.text;
    copy.segments = this.segments.slice();
    return copy;
  }

  append(text: string, site?: Site, base = 0, fixed = site === undefined): this {
    if (text.length === 0) return this;
    const start = this.text.length;
    this.text += text;
    this.segments.push({ start, end: this.text.length, site, base, fixed });
    return this;
  }

  appendText(other: SourcedText): this {
    const shift = this.text.length;
    this.text += other.text;
    for (const s of other.segments) this.segments.push({ ...s, start: s.start + shift, end: s.end + shift });
    return this;
  }

  /** Replaces [start, end) with made-up text that maps to where `originAt` (default `start`) came from. */
  replace(start: number, end: number, text: string, originAt = start): void {
    const origin = this.segmentAt(originAt);
    const originBase = origin ? (origin.fixed ? origin.base : origin.base + (originAt - origin.start)) : 0;
    const delta = text.length - (end - start);
    const next: Segment[] = [];
    for (const s of this.segments) {
      if (s.end <= start) next.push(s);
      else if (s.start < start) next.push({ ...s, end: start });
    }
    if (text.length > 0) {
      next.push({ start, end: start + text.length, site: origin?.site, base: originBase, fixed: true });
    }
    for (const s of this.segments) {
      if (s.start >= end) next.push({ ...s, start: s.start + delta, end: s.end + delta });
      else if (s.end > end) {
        const cut = end - s.start;
        next.push({
          ...s,
          start: end + delta,
          end: s.end + delta,
          base: s.fixed ? s.base : s.base + cut,
        });
      }
    }
    this.text = this.text.slice(0, start) + text + this.text.slice(end);
    this.segments = next;
  }

  private segmentAt(offset: number): Segment | undefined {
    const list = this.segments;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid] as Segment;
      if (offset < s.start) hi = mid - 1;
      else if (offset >= s.end) lo = mid + 1;
      else return s;
    }
    return list[list.length - 1];
  }

  /** Whether [start, end) was written as such in one place (not made up by a substitution). */
  isWritten(start: number, end: number): boolean {
    const s = this.segmentAt(start);
    return s !== undefined && !s.fixed && s.site !== undefined && end <= s.end;
  }

  /** The site and value offset a character of the text came from. */
  origin(offset: number): { site: Site; offset: number } | undefined {
    const s = this.segmentAt(offset);
    if (!s?.site) return undefined;
    const at = Math.min(Math.max(offset, s.start), s.end - 1);
    return { site: s.site, offset: s.fixed ? s.base : s.base + (at - s.start) };
  }

  /** The file and range of the characters [start, end) of the text. */
  locate(start: number, end = start + 1): { file: LoadedFile; range: Range } | undefined {
    const first = this.origin(start);
    if (!first) return undefined;
    const last = this.origin(Math.max(start, end - 1));
    const from = fileOffset(first.site, first.offset);
    let to = from + 1;
    if (last && last.site === first.site) to = Math.max(from + 1, fileOffset(last.site, last.offset) + 1);
    return { file: first.site.file, range: { start: from, end: Math.min(to, first.site.file.text.length) } };
  }
}

const offsetMaps = new WeakMap<YamlNode, Int32Array>();

/** The file offset of a character of a node's value (the node's start for non-scalars). */
function fileOffset(site: Site, valueOffset: number): number {
  const node = site.node;
  if (node.kind !== 'scalar') return node.start;
  let map = offsetMaps.get(node);
  if (!map) {
    map = scalarOffsets(site.file.text, node);
    offsetMaps.set(node, map);
  }
  if (map.length === 0) return node.start;
  return map[Math.min(Math.max(valueOffset, 0), map.length - 1)] as number;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * For each character of a scalar's value, the offset in the file it was written at: quotes,
 * escapes, line folding and block indentation are walked in step with the decoded value.
 */
function scalarOffsets(text: string, node: YamlScalar): Int32Array {
  const value = typeof node.value === 'string' ? node.value : node.text;
  const map = new Int32Array(value.length);
  const quoted = node.style === 'single' || node.style === 'double';
  let i = quoted ? node.start + 1 : node.start;
  const end = quoted ? node.end - 1 : node.end;
  for (let k = 0; k < value.length; k++) {
    const c = value[k] as string;
    if (node.style === 'double' && text[i] === '\\') {
      const next = text[i + 1];
      if (next === '\n' || next === '\r') {
        i += 2;
        while (i < end && isBlank(text[i])) i++;
        k--;
        continue;
      }
      map[k] = i;
      i += next === 'x' ? 4 : next === 'u' ? 6 : next === 'U' ? 10 : 2;
      continue;
    }
    if (node.style === 'single' && text[i] === "'" && text[i + 1] === "'") {
      map[k] = i;
      i += 2;
      continue;
    }
    if (!isBlank(c)) {
      let j = i;
      while (j < end && text[j] !== c && isBlank(text[j])) j++;
      if (text[j] === c) i = j;
    }
    map[k] = Math.min(i, Math.max(node.start, end - 1));
    if (i < end) i++;
  }
  return map;
}
