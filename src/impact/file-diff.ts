/** The per-file policy diff: added, removed and modified files with compact unified hunks. */
import { structuredPatch } from 'diff';
import type { FileChange, FileKind } from './model.js';
import type { PolicyKind } from '../core/kinds.js';
import { languages as allLanguages } from '../languages/list.js';
import type { LoadedTree } from './tree.js';

/** Lines of context around each change. */
const CONTEXT = 3;
/** Comparing two very different large files can take long: past this, no diff is shown. */
const DIFF_TIMEOUT_MS = 2_000;
/**
 * A diff line longer than this is cut: a minified profile is one line of megabytes, which the
 * report (and the note, and the JSON artifact) would otherwise carry twice.
 */
const MAX_LINE_CHARS = 1_000;
/** Characters of a cut line that are shown. */
const SHOWN_CHARS = 200;

/** A diff line (its sign first), cut when it is too long, saying how long it was. */
function boundedLine(line: string): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  const length = (line.length - 1).toLocaleString('en-US');
  return `${line.slice(0, 1 + SHOWN_CHARS)} … (a line of ${length} characters, cut here: compare the files themselves)`;
}

function countLines(text: string): number {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

function hunksOf(
  oldText: string,
  newText: string,
): { diff: string; additions: number; deletions: number } | undefined {
  const patch = structuredPatch('base', 'head', oldText, newText, undefined, undefined, {
    context: CONTEXT,
    timeout: DIFF_TIMEOUT_MS,
  });
  if (!patch) return undefined;
  let additions = 0;
  let deletions = 0;
  const out: string[] = [];
  for (const hunk of patch.hunks) {
    out.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) {
      if (line.startsWith('+')) additions++;
      else if (line.startsWith('-')) deletions++;
      out.push(boundedLine(line));
    }
  }
  return { diff: out.join('\n'), additions, deletions };
}

export function diffFile(
  path: string,
  kind: FileKind,
  base: string | undefined,
  head: string | undefined,
): FileChange | undefined {
  if (base === head) return undefined;
  const change: FileChange['change'] =
    base === undefined ? 'added' : head === undefined ? 'removed' : 'modified';
  const hunks = hunksOf(base ?? '', head ?? '');
  if (!hunks) {
    return {
      path,
      kind,
      change,
      additions: countLines(head ?? ''),
      deletions: countLines(base ?? ''),
      diff: '',
      note: 'too different to compare line by line in time',
    };
  }
  return { path, kind, change, ...hunks };
}

/**
 * Every file that differs between the trees, sorted by kind (chs.yaml, the languages in their
 * order, the tests) then path.
 */
export function diffTrees(
  base: LoadedTree,
  head: LoadedTree,
  languages: readonly { kind: PolicyKind }[] = allLanguages,
): FileChange[] {
  const paths = new Map<string, FileKind>([...base.all, ...head.all]);
  const out: FileChange[] = [];
  for (const [path, kind] of paths) {
    const inBase = base.all.has(path);
    const inHead = head.all.has(path);
    const baseText = inBase ? base.read(path) : undefined;
    const headText = inHead ? head.read(path) : undefined;
    const unreadable = (inBase && baseText === undefined) || (inHead && headText === undefined);
    if (unreadable) {
      const reason = head.unreadable.get(path) ?? base.unreadable.get(path) ?? 'unreadable';
      out.push({
        path,
        kind,
        change: !inBase ? 'added' : !inHead ? 'removed' : 'modified',
        additions: 0,
        deletions: 0,
        diff: '',
        note: `not compared: ${reason}`,
      });
      continue;
    }
    const change = diffFile(path, kind, baseText, headText);
    if (change) out.push(change);
  }
  const order: FileKind[] = ['config', ...languages.map((language) => language.kind), 'tests'];
  return out.sort(
    (a, b) =>
      order.indexOf(a.kind) - order.indexOf(b.kind) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}
