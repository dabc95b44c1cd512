/**
 * Loading a profile file with its includes, as apparmor_parser does: `<...>` from the include
 * roots, `"..."` and bare paths from the working directory (or the including file's directory),
 * directories include every file in them, `if exists` tolerates absence, and an include that is
 * already being read is skipped (apparmor_parser reads each file once per chain).
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Range } from '../../core/diagnostic.js';
import { OUTSIDE_REASON, Reach } from '../../core/reach.js';
import type { ReadResult } from '../../core/read.js';
import { outsideRepository } from '../../core/rules.js';
import type { Finding } from '../../core/rule.js';
import type { SourceFile } from '../../core/source.js';
import type { Abi, Include, Statement } from './ast.js';
import type { Where } from './parser.js';
import { parseApparmor } from './parser.js';
import { missingInclude } from './rules/missing-include.js';
import { uncheckedInclude } from './rules/unchecked-include.js';
import { SHIPPED_INCLUDES, SHIPPED_SOURCE, SHIPPED_VARIABLES } from './shipped.generated.js';

export interface LoadOptions {
  /** Roots for `<...>` includes, in search order. */
  roots: readonly string[];
  /** Bases for relative `"..."` and bare includes (the working directory first). */
  bases: readonly string[];
  /** Directory the display paths are relative to. */
  cwd: string;
  readFile: (absolute: string, display: string) => ReadResult;
  report: (finding: Finding) => void;
  /** Stats kept for a run (files do not change during one); absent: a stat per question. */
  fileInfo?: Map<string, FileInfo>;
  /**
   * What may be read (the repository and the include roots); an include or abi that leads out of
   * it is a finding, never stat-ed or read. Default: the roots and the bases.
   */
  reach?: Reach;
}

export interface LoadedFile {
  file: SourceFile;
  statements: Statement[];
}

/** Backup and package-manager files that directory includes skip. */
const IGNORED_SUFFIXES = [
  '.dpkg-new',
  '.dpkg-old',
  '.dpkg-dist',
  '.dpkg-bak',
  '.rpmnew',
  '.rpmsave',
  '.orig',
  '.rej',
  '.swp',
  '~',
];

const MAX_INCLUDE_DEPTH = 64;

/**
 * Included files parsed in this process, by include roots, working directory, place and path.
 * An entry whose resolution used the relative bases (a `"..."` or bare include inside it) is
 * kept for those bases only; the others (the system abstractions) serve every run.
 */
const SHARED = new Map<
  string,
  {
    stamp: string;
    /** The bases the entry was resolved with, when its resolution depended on them. */
    bases: string | undefined;
    statements: Statement[];
    findings: { finding: Finding; absolute: string | undefined }[];
    /** The texts of the file and its own includes, by display path. */
    texts: [string, string][];
  }
>();

/** What one stat of a path says: whether it exists, is a directory, and its size and time. */
export interface FileInfo {
  exists: boolean;
  directory: boolean;
  stamp: string;
}

function statOf(path: string): FileInfo {
  try {
    const stat = statSync(path);
    return { exists: true, directory: stat.isDirectory(), stamp: `${stat.size}:${stat.mtimeMs}` };
  } catch {
    return { exists: false, directory: false, stamp: 'missing' };
  }
}

/**
 * Paths stat-ed once per lint run (a run reads each include root's files for every profile):
 * the runs pass a map they keep; without one, every question is a stat.
 */
function infoOf(path: string, memo: Map<string, FileInfo> | undefined): FileInfo {
  if (!memo) return statOf(path);
  let info = memo.get(path);
  if (!info) {
    info = statOf(path);
    memo.set(path, info);
  }
  return info;
}

function stampOf(path: string, memo?: Map<string, FileInfo>): string {
  return infoOf(path, memo).stamp;
}

export class Loader {
  /** Parsed includes, by absolute path and place (each parsed, and reported, once per run). */
  private readonly cache = new Map<string, Statement[] | undefined>();
  /** Absolute paths of the included files read, by display path. */
  private readonly absoluteOf = new Map<string, string>();
  /** Texts of every included file, by display path (for the text of a deciding rule). */
  readonly texts = new Map<string, string>();
  /** How many relative includes were resolved (against the bases): an include that resolved
   * some depends on the bases. */
  private relative = 0;

  private readonly reach: Reach;

  constructor(private options: LoadOptions) {
    this.reach = options.reach ?? new Reach([...options.roots, ...options.bases]);
  }

  /** Parses a policy file and resolves its includes. */
  load(file: SourceFile, absolute: string): LoadedFile {
    const statements = parseApparmor(file.text, { file: file.path, report: this.options.report });
    this.resolveAll(statements, 'preamble', [absolute], dirname(absolute), file.path);
    return { file, statements };
  }

  private resolveAll(
    statements: Statement[],
    where: Where,
    stack: string[],
    dir: string,
    display: string,
  ): void {
    for (const statement of statements) {
      switch (statement.kind) {
        case 'include':
          this.resolve(statement, where, stack, dir, display);
          break;
        case 'profile':
          this.resolveAll(
            statement.body,
            statement.form === 'path' || statement.form === 'profile'
              ? where === 'preamble'
                ? 'profile'
                : 'hat'
              : 'hat',
            stack,
            dir,
            display,
          );
          break;
        case 'abi':
          this.checkAbi(statement, dir, display);
          break;
        case 'block':
          this.resolveAll(statement.body, where, stack, dir, display);
          break;
        case 'if':
          this.resolveAll(statement.then, where, stack, dir, display);
          if (statement.otherwise) this.resolveAll(statement.otherwise, where, stack, dir, display);
          break;
        default:
          break;
      }
    }
  }

  /** apparmor_parser reads the abi file too: a missing one fails the load. */
  private checkAbi(abi: Abi, dir: string, display: string): void {
    const all = this.candidates(abi, dir);
    const candidates = all.filter((candidate) => this.reach.contains(candidate));
    if (candidates.some((candidate) => infoOf(candidate, this.options.fileInfo).exists)) return;
    if (candidates.length < all.length) {
      this.reportOutside(`abi ${abi.angle ? `<${abi.path}>` : `"${abi.path}"`}`, display, abi);
      return;
    }
    const roots = abi.angle ? this.options.roots : [...this.options.bases, dir];
    if (abi.angle && isShipped(abi.path)) {
      this.reportUnchecked(`<${abi.path}>`, roots, display, abi);
      return;
    }
    this.options.report({
      rule: missingInclude,
      messageId: 'missingAbi',
      data: {
        path: abi.angle ? `<${abi.path}>` : `"${abi.path}"`,
        roots: roots.length > 0 ? roots.map((r) => this.display(r)).join(', ') : 'no include roots',
      },
      file: display,
      range: abi,
    });
  }

  private candidates(include: Pick<Include, 'path' | 'angle'>, dir: string): string[] {
    const path = include.path;
    if (isAbsolute(path)) return [path];
    if (include.angle) return this.options.roots.map((root) => join(root, path));
    this.relative++;
    return [...this.options.bases, dir].map((base) => resolve(base, path));
  }

  private resolve(include: Include, where: Where, stack: string[], dir: string, display: string): void {
    const all = this.candidates(include, dir);
    const inside = all.filter((candidate) => this.reach.contains(candidate));
    const found = inside.find((candidate) => infoOf(candidate, this.options.fileInfo).exists);
    const shownPath = include.angle ? `<${include.path}>` : `"${include.path}"`;
    if (found === undefined && inside.length < all.length) {
      // Whether it exists there is not asked either: the answer would be posted too.
      this.reportOutside(`include ${shownPath}`, display, include.pathRange);
      return;
    }
    if (found === undefined) {
      if (include.ifExists) return;
      const roots = include.angle ? this.options.roots : [...this.options.bases, dir];
      if (include.angle && isShipped(include.path)) {
        include.unchecked = { variables: SHIPPED_VARIABLES[shippedPath(include.path)] ?? {} };
        this.reportUnchecked(`<${include.path}>`, roots, display, include.pathRange);
        return;
      }
      this.options.report({
        rule: missingInclude,
        messageId: 'missing',
        data: {
          path: include.angle ? `<${include.path}>` : `"${include.path}"`,
          roots: roots.length > 0 ? roots.map((r) => this.display(r)).join(', ') : 'no include roots',
        },
        file: display,
        range: include.pathRange,
      });
      return;
    }
    const files = infoOf(found, this.options.fileInfo).directory
      ? directoryFiles(found, this.options.fileInfo)
      : [found];
    for (const absolute of files) {
      if (!this.reach.contains(absolute)) {
        this.reportOutside(`include ${shownPath} (${this.display(absolute)})`, display, include.pathRange);
        continue;
      }
      if (stack.includes(absolute) || stack.length > MAX_INCLUDE_DEPTH) continue;
      const key = `${where}\0${absolute}`;
      let statements = this.cache.get(key);
      const shown = this.display(absolute);
      if (!this.cache.has(key))
        statements = this.parseInclude(include, absolute, shown, where, stack, display, key);
      if (statements) include.files.push({ path: shown, statements });
    }
  }

  /**
   * Parses an included file with its own includes. System abstractions are included by every
   * profile, so the result (and its findings, replayed) is kept for the process while the file's
   * size and modification time stay the same.
   */
  private parseInclude(
    include: Include,
    absolute: string,
    shown: string,
    where: Where,
    stack: string[],
    display: string,
    key: string,
  ): Statement[] | undefined {
    const stamp = stampOf(absolute, this.options.fileInfo);
    const sharedKey = `${this.options.roots.join('\0')}\u0001${this.reach.roots.join('\0')}\u0001${this.options.cwd}\u0001${key}`;
    const bases = this.options.bases.join('\0');
    const shared = SHARED.get(sharedKey);
    if (shared && shared.stamp === stamp && (shared.bases === undefined || shared.bases === bases)) {
      if (shared.bases !== undefined) this.relative++;
      this.cache.set(key, shared.statements);
      for (const [path, text] of shared.texts) this.texts.set(path, text);
      if (shared.findings.length > 0) {
        // Register the files for positions, then replay what they hold.
        for (const path of new Set(shared.findings.map((f) => f.absolute))) {
          if (path) this.options.readFile(path, this.display(path));
        }
        for (const { finding } of shared.findings) this.options.report(finding);
      }
      return shared.statements;
    }
    const read = this.options.readFile(absolute, shown);
    if (!read.ok) {
      this.options.report({
        rule: missingInclude,
        messageId: 'unreadable',
        data: { path: include.path, reason: read.failure.message },
        file: display,
        range: include.pathRange,
      });
      this.cache.set(key, undefined);
      return undefined;
    }
    const findings: { finding: Finding; absolute: string | undefined }[] = [];
    const outer = this.options.report;
    const capture = (finding: Finding): void => {
      findings.push({ finding, absolute: this.absoluteOf.get(finding.file) });
      outer(finding);
    };
    this.absoluteOf.set(shown, absolute);
    this.options = { ...this.options, report: capture };
    const before = new Set(this.texts.keys());
    this.texts.set(shown, read.file.text);
    const relativeBefore = this.relative;
    try {
      const statements = parseApparmor(read.file.text, { file: shown, report: capture }, where);
      this.cache.set(key, statements);
      this.resolveAll(statements, where, [...stack, absolute], dirname(absolute), shown);
      if (SHARED.size > 4096) SHARED.clear();
      const texts = [...this.texts].filter(([path]) => !before.has(path) || path === shown);
      const dependent = this.relative !== relativeBefore;
      SHARED.set(sharedKey, { stamp, bases: dependent ? bases : undefined, statements, findings, texts });
      return statements;
    } finally {
      this.options = { ...this.options, report: outer };
    }
  }

  private reportOutside(what: string, display: string, range: Range): void {
    this.options.report({
      rule: outsideRepository,
      messageId: 'outside',
      data: { what, reason: OUTSIDE_REASON },
      file: display,
      range,
    });
  }

  private reportUnchecked(path: string, roots: readonly string[], display: string, range: Range): void {
    this.options.report({
      rule: uncheckedInclude,
      messageId: 'unchecked',
      data: {
        path,
        roots:
          roots.length > 0 ? `looked in ${roots.map((r) => this.display(r)).join(', ')}` : 'no include roots',
        source: SHIPPED_SOURCE,
      },
      file: display,
      range,
    });
  }

  private display(absolute: string): string {
    const rel = relative(this.options.cwd, absolute);
    return rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
  }
}

/** A `<...>` path as the shipped list writes it (no trailing or doubled slashes). */
function shippedPath(path: string): string {
  return path.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
}

const SHIPPED = new Set(SHIPPED_INCLUDES);

/** Whether the AppArmor distribution installs this `<...>` path under /etc/apparmor.d. */
export function isShipped(path: string): boolean {
  return SHIPPED.has(shippedPath(path));
}

/** Directory listings by path, while the directory's modification time stays the same. */
const LISTINGS = new Map<string, { stamp: string; files: string[] }>();

/** The regular files of an included directory, sorted, without hidden and backup files. */
function directoryFiles(dir: string, memo: Map<string, FileInfo> | undefined): string[] {
  const stamp = stampOf(dir, memo);
  const known = LISTINGS.get(dir);
  if (known && known.stamp === stamp) return known.files;
  const files = listDirectory(dir);
  if (LISTINGS.size > 256) LISTINGS.clear();
  LISTINGS.set(dir, { stamp, files });
  return files;
}

function listDirectory(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => !name.startsWith('.') && !IGNORED_SUFFIXES.some((suffix) => name.endsWith(suffix)))
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    });
}
