/**
 * apparmor.d parser (AppArmor 4.x syntax) with positions. Problems are reported, never thrown; after
 * a bad statement the parser resumes at the next one, so one mistake does not hide the next ten.
 * Includes are left unresolved here (see load.ts).
 */
import type { Range } from '../../core/diagnostic.js';
import { append } from '../../core/arrays.js';
import type { AnyRule, Finding, MessageArgs, MessageData, MessageId } from '../../core/rule.js';
import type {
  Condition,
  Conditional,
  FileRule,
  Flag,
  Include,
  MediationRule,
  Profile,
  Qualifiers,
  Statement,
  Word,
} from './ast.js';
import { parseFilePermissions } from './permissions.js';
import { invalidPermissions } from './rules/invalid-permissions.js';
import { invalidQualifier } from './rules/invalid-qualifier.js';
import { syntaxError } from './rules/syntax-error.js';
import { Scanner } from './scanner.js';
import { NETWORK_DOMAINS, NETWORK_PROTOCOL_TYPES, NETWORK_TYPES } from './tables.js';

export type Where = 'preamble' | 'profile' | 'hat';

const MEDIATION_KEYWORDS = new Set<MediationRule['kind']>([
  'capability',
  'network',
  'signal',
  'ptrace',
  'unix',
  'dbus',
  'mount',
  'remount',
  'umount',
  'pivot_root',
  'change_profile',
  'userns',
  'mqueue',
  'io_uring',
  'all',
]);

/**
 * Rule qualifiers in the grammar's order (opt_prefix in parser_yacc.y): priority, audit, one rule
 * mode, one owner condition. `user` is the keyword table's other spelling of `owner`.
 */
const QUALIFIER_GROUPS: Readonly<Record<string, number>> = {
  priority: 0,
  audit: 1,
  allow: 2,
  deny: 2,
  prompt: 2,
  owner: 3,
  user: 3,
  other: 3,
};
const QUALIFIER_GROUP_NAMES = ['priority', 'audit', 'allow, deny or prompt', 'owner or other'];

/** Words that begin a statement inside a profile. */
const RULE_STARTS: ReadonlySet<string> = new Set([
  ...MEDIATION_KEYWORDS,
  ...Object.keys(QUALIFIER_GROUPS),
  'file',
  'link',
  'include',
  'profile',
  'hat',
  'rlimit',
  'set',
]);

class Bail extends Error {}

/** Deeper nesting is refused rather than risking the stack (real profiles nest 2 or 3 deep, the
 * parser suite 101). */
const MAX_DEPTH = 500;

export interface ParseOptions {
  file: string;
  report: (finding: Finding) => void;
}

class Parser {
  private readonly s: Scanner;
  private readonly file: string;
  private readonly emit: (finding: Finding) => void;
  /** Problems reported so far. */
  errors = 0;
  /** How deep blocks and else-if chains are nested now. */
  private depth = 0;
  /** Set when the rest of the text was skipped (no "unterminated" findings then). */
  private abandoned = false;

  constructor(text: string, options: ParseOptions) {
    this.s = new Scanner(text);
    this.file = options.file;
    this.emit = options.report;
  }

  report<R extends AnyRule, K extends MessageId<R>>(
    rule: R,
    messageId: K,
    range: Range,
    ...[data]: MessageArgs<R, K>
  ): void {
    this.errors++;
    const finding: Finding = { rule, messageId, file: this.file, range };
    if (data) finding.data = data as MessageData;
    this.emit(finding);
  }

  /** Reports a syntax error at the current token and abandons the statement. */
  private fail(expected: string, at = this.s.pos): never {
    const found = this.describeAt(at);
    // A missing "," or "{" belongs at the end of the previous line, where it was forgotten.
    if (/^"[,{]"/.test(expected)) {
      let back = at;
      while (back > 0 && /\s/.test(this.s.text[back - 1] as string)) back--;
      if (back < at && this.s.text.slice(back, at).includes('\n')) {
        this.report(
          syntaxError,
          'expected',
          { start: back, end: back },
          {
            expected: `${expected} at the end of this line`,
            found: found === '' ? 'end of file' : `"${found}" on the next line`,
          },
        );
        throw new Bail();
      }
    }
    const end = Math.max(at + 1, Math.min(this.s.text.length, at + Math.max(1, found.length)));
    this.report(
      syntaxError,
      'expected',
      { start: at, end: Math.min(end, this.s.text.length) },
      {
        expected,
        found: found === '' ? 'end of file' : `"${found}"`,
      },
    );
    throw new Bail();
  }

  private describeAt(at: number): string {
    const text = this.s.text;
    if (at >= text.length) return '';
    const c = text[at] as string;
    if (c === '\n') return 'end of line';
    let end = at;
    while (end < text.length && !/[\s,]/.test(text[end] as string) && end - at < 40) end++;
    return end === at ? c : text.slice(at, end);
  }

  /** Parses a whole file (or an included file) in the given place. */
  parseFile(where: Where): Statement[] {
    return this.block(where, false);
  }

  private block(where: Where, closed: boolean, openAt = 0): Statement[] {
    const out: Statement[] = [];
    const s = this.s;
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.report(
        syntaxError,
        'invalid',
        { start: openAt, end: openAt + 1 },
        {
          detail: `blocks nested more than ${MAX_DEPTH} deep`,
        },
      );
      // Skip the rest of the text: nothing sensible can follow.
      s.pos = s.text.length;
      this.abandoned = true;
      return out;
    }
    try {
      return this.blockBody(where, closed, openAt, out);
    } finally {
      this.depth--;
    }
  }

  private blockBody(where: Where, closed: boolean, openAt: number, out: Statement[]): Statement[] {
    const s = this.s;
    for (;;) {
      s.skip();
      if (s.eof) {
        if (closed && !this.abandoned) {
          this.report(
            syntaxError,
            'unterminated',
            { start: openAt, end: openAt + 1 },
            { what: 'block: missing "}"' },
          );
        }
        return out;
      }
      if (s.peek() === '}') {
        if (closed) {
          s.pos++;
          return out;
        }
        this.report(
          syntaxError,
          'notHere',
          { start: s.pos, end: s.pos + 1 },
          { what: '"}"', where: 'here: no block is open' },
        );
        s.pos++;
        continue;
      }
      const start = s.pos;
      try {
        const statement = this.statement(where);
        if (statement) out.push(statement);
      } catch (error) {
        if (!(error instanceof Bail)) throw error;
        this.recover(start);
      }
    }
  }

  /** After an error: skips to the end of the statement (a comma ending a line, or the line). */
  private recover(start: number): void {
    const s = this.s;
    if (s.pos <= start) s.pos = start + 1;
    while (!s.eof) {
      const c = s.peek();
      if (c === '\n') {
        s.pos++;
        return;
      }
      if (c === ',' || c === '{') {
        s.pos++;
        return;
      }
      if (c === '}') return;
      s.pos++;
    }
  }

  private statement(where: Where): Statement | undefined {
    const s = this.s;
    const start = s.pos;
    if (s.atHashInclude()) {
      s.pos += 8;
      return this.include(start);
    }
    const word = s.peekName();
    if (word === 'include' && /[\s<"]/.test(s.peek(7))) {
      s.pos += 7;
      return this.include(start);
    }
    if (s.startsWith('@{') && this.atAssignment()) return this.variable(start, where);
    if (s.peek() === '$') return this.booleanAssignment(start, where);
    if (word === 'abi' && /\s/.test(s.peek(3))) return this.abi(start);
    if (where === 'preamble' && (word === 'alias' || word === 'rewrite'))
      return this.alias(start, word.length);
    if (word === 'if' && where !== 'preamble' && /\s/.test(s.peek(2))) return this.conditional(start, where);
    if (where !== 'preamble' && (s.peek() === '^' || word === 'hat'))
      return this.profile(start, where, {}, true);
    const qualifiers = this.qualifiers();
    const keyword = s.peekName();
    if (where === 'preamble' && keyword === 'hat' && /\s/.test(s.peek(3)))
      return this.profile(start, where, qualifiers, true);
    if (keyword === 'profile' || (where === 'preamble' && this.looksLikeProfileHeader())) {
      return this.profile(start, where, qualifiers, false);
    }
    if (where === 'preamble') {
      this.fail('a profile, include, abi, alias or variable');
    }
    if (s.peek() === '{' && Object.keys(qualifiers).length > 0)
      return this.qualifierBlock(start, where, qualifiers);
    return this.rule(start, qualifiers);
  }

  /** `owner { rules }`, `audit { rules }`: the qualifiers apply to every rule of the block. */
  private qualifierBlock(start: number, where: Where, qualifiers: Qualifiers): Statement | undefined {
    const s = this.s;
    const open = s.pos;
    s.pos++;
    const body = this.block(where, true, open);
    const merged: Statement[] = [];
    for (const statement of body) {
      if ('qualifiers' in statement && statement.kind !== 'profile') {
        statement.qualifiers = { ...qualifiers, ...statement.qualifiers };
      }
      merged.push(statement);
    }
    return { kind: 'block', qualifiers, body: merged, start, end: s.pos };
  }

  private atAssignment(): boolean {
    const s = this.s;
    const close = s.text.indexOf('}', s.pos);
    if (close === -1) return false;
    let i = close + 1;
    while (s.text[i] === ' ' || s.text[i] === '\t') i++;
    return s.text[i] === '=' || (s.text[i] === '+' && s.text[i + 1] === '=');
  }

  private looksLikeProfileHeader(): boolean {
    const c = this.s.peek();
    return c === '/' || c === ':' || c === '"' || c === '@';
  }

  // ---------------------------------------------------------------- preamble statements

  private include(start: number): Include {
    const s = this.s;
    s.skipBlanks();
    let ifExists = false;
    if (s.peekName() === 'if') {
      const save = s.pos;
      s.pos += 2;
      s.skipBlanks();
      if (s.peekName() === 'exists') {
        s.pos += 6;
        s.skipBlanks();
        ifExists = true;
      } else s.pos = save;
    }
    let path: string;
    let pathRange: Range;
    let angle = false;
    if (s.peek() === '<') {
      angle = true;
      const close = s.text.indexOf('>', s.pos);
      const eol = s.lineEnd();
      if (close === -1 || close > eol) this.fail('">" closing the include path');
      let inner = s.text.slice(s.pos + 1, close).trim();
      if (inner.startsWith('"')) {
        if (!inner.endsWith('"') || inner.length < 2)
          this.fail('a closing quote in the include path', s.pos + 1);
        inner = inner.slice(1, -1);
      }
      path = inner;
      pathRange = { start: s.pos, end: close + 1 };
      s.pos = close + 1;
    } else if (s.peek() === '"') {
      const word = s.readQuoted();
      if (!word) this.fail('a closing quote');
      path = word.text;
      pathRange = word;
    } else {
      const word = s.readPath();
      if (!word || s.peek() === '!') this.fail('an include path in <...> or "..."');
      path = word.text;
      pathRange = word;
    }
    if (path === '') this.fail('a non-empty include path', pathRange.start);
    return { kind: 'include', path, pathRange, angle, ifExists, files: [], start, end: s.pos };
  }

  private abi(start: number): Statement {
    const s = this.s;
    s.pos += 3;
    s.skip(false);
    let path: string;
    let angle = false;
    if (s.peek() === '<') {
      angle = true;
      const close = s.text.indexOf('>', s.pos);
      if (close === -1 || close > s.lineEnd()) this.fail('">" closing the abi path');
      path = s.text.slice(s.pos + 1, close);
      if (path.trim() !== path && path.includes('"'))
        this.fail('no space around a quoted abi path', s.pos + 1);
      path = path.trim();
      if (path.startsWith('"') && path.endsWith('"') && path.length >= 2) path = path.slice(1, -1);
      else if (/["\s]/.test(path)) this.fail('an abi path without spaces (quote it: <"...">)', s.pos + 1);
      if (path === '') this.fail('an abi path', s.pos + 1);
      s.pos = close + 1;
    } else if (s.peek() === '"') {
      const word = s.readQuoted();
      if (!word || word.text === '') this.fail('an abi path');
      path = word.text;
    } else {
      const word = s.readPath();
      if (!word) this.fail('an abi path in <...> or "..."');
      path = word.text;
    }
    s.skip(false);
    if (s.peek() !== ',') this.fail('"," after the abi statement');
    s.pos++;
    return { kind: 'abi', path, angle, start, end: s.pos };
  }

  private alias(start: number, length: number): Statement {
    const s = this.s;
    s.pos += length;
    s.skip(false);
    const from = s.readPath();
    if (!from) this.fail('the path to alias');
    s.skip(false);
    if (!s.startsWith('->')) this.fail('"->"');
    s.pos += 2;
    s.skip(false);
    const to = s.readPath();
    if (!to) this.fail('the alias target');
    s.skip(false);
    if (s.peek() !== ',') this.fail('"," after the alias');
    s.pos++;
    return { kind: 'alias', from, to, start, end: s.pos };
  }

  private variable(start: number, where: Where): Statement {
    const s = this.s;
    const close = s.text.indexOf('}', s.pos);
    const name = s.text.slice(s.pos, close + 1);
    const nameRange = { start: s.pos, end: close + 1 };
    if (!/^@\{[A-Za-z][A-Za-z0-9_]*\}$/.test(name)) {
      this.report(syntaxError, 'invalid', nameRange, { detail: `invalid variable name ${name}` });
    }
    if (where !== 'preamble') {
      this.report(syntaxError, 'notHere', nameRange, {
        what: 'a variable assignment',
        where: 'inside a profile',
      });
    }
    s.pos = close + 1;
    s.skipBlanks();
    const append = s.peek() === '+';
    s.pos += append ? 2 : 1;
    const values: Word[] = [];
    for (;;) {
      s.skipBlanks();
      if (s.peek() === '\\' && (s.peek(1) === '\n' || (s.peek(1) === '\r' && s.peek(2) === '\n'))) {
        s.pos += s.peek(1) === '\n' ? 2 : 3;
        continue;
      }
      const c = s.peek();
      if (c === '' || c === '\n' || c === '#') break;
      if (c === '"') {
        const word = s.readQuoted();
        if (!word) this.fail('a closing quote');
        values.push(word);
        continue;
      }
      const vstart = s.pos;
      while (!s.eof && !/[\s#"]/.test(s.peek())) {
        if (s.peek() === '\\' && s.pos + 1 < s.text.length) s.pos++;
        s.pos++;
      }
      values.push({ text: s.text.slice(vstart, s.pos), quoted: false, start: vstart, end: s.pos });
    }
    const last = values.at(-1);
    if (last && last.text.endsWith(',') && !last.quoted) {
      this.report(
        syntaxError,
        'invalid',
        { start: last.end - 1, end: last.end },
        { detail: 'variable values end at the end of the line: remove the trailing comma' },
      );
    }
    if (values.length === 0) this.fail('a value for the variable');
    return { kind: 'variable', name: name.slice(2, -1), nameRange, append, values, start, end: s.pos };
  }

  private booleanAssignment(start: number, where: Where): Statement {
    const s = this.s;
    const m = /^\$(\{[A-Za-z][A-Za-z0-9_]*\}|[A-Za-z][A-Za-z0-9_]*)/.exec(s.text.slice(s.pos, s.pos + 200));
    if (!m) this.fail('a boolean variable name ($NAME)');
    const raw = m[1] as string;
    const name = raw.startsWith('{') ? raw.slice(1, -1) : raw;
    const nameRange = { start: s.pos, end: s.pos + m[0].length };
    s.pos = nameRange.end;
    s.skipBlanks();
    if (s.peek() !== '=') this.fail('"=" and true or false');
    s.pos++;
    s.skipBlanks();
    const value = s.readName();
    if (!value || !/^(true|false)$/i.test(value.text)) this.fail('true or false', value?.start ?? s.pos);
    if (where !== 'preamble') {
      this.report(syntaxError, 'notHere', nameRange, {
        what: 'a boolean assignment',
        where: 'inside a profile',
      });
    }
    return {
      kind: 'boolean',
      name,
      nameRange,
      value: value.text.toLowerCase() === 'true',
      start,
      end: s.pos,
    };
  }

  /** Checks a profile name: namespaces are written `:ns:name`. */
  private checkName(name: Word): void {
    if (name.quoted || !name.text.startsWith(':')) return;
    if (!/^:[^:\s/]+:[^:\s]/.test(name.text)) {
      this.report(syntaxError, 'invalid', name, {
        detail: `invalid namespace in "${name.text}": write :namespace:profile`,
      });
    }
  }

  // ---------------------------------------------------------------- profiles

  private qualifiers(): Qualifiers {
    const s = this.s;
    const q: Qualifiers = {};
    let last = -1;
    /** The word written for each group, for messages. */
    const written = new Map<number, string>();
    for (;;) {
      const word = s.peekName();
      const at = s.pos;
      let index: number;
      if (word === 'priority' && (s.peek(8) === '=' || /\s/.test(s.peek(8)))) {
        index = 0;
        s.pos += 8;
        s.skipBlanks();
        if (s.peek() !== '=') this.fail('"=" after priority');
        s.pos++;
        s.skipBlanks();
        const value = s.readName();
        if (!value || !/^[+-]?\d+$/.test(value.text) || Math.abs(Number(value.text)) > 1000) {
          this.report(syntaxError, 'invalid', value ?? { start: s.pos, end: s.pos + 1 }, {
            detail: 'priority takes an integer from -1000 to 1000',
          });
        }
        if (q.priority)
          this.report(invalidQualifier, 'repeated', { start: at, end: s.pos }, { word: 'priority' });
        const number = Number(value?.text ?? 0);
        // A bad value is reported above; the rule then counts as priority 0.
        q.priority = { value: Number.isInteger(number) ? number : 0, start: at, end: s.pos };
      } else {
        index = QUALIFIER_GROUPS[word] ?? -1;
        if (index <= 0 || !/[\s]/.test(s.peek(word.length))) break;
        const range = { start: at, end: at + word.length };
        const key = (word === 'user' ? 'owner' : word) as
          'audit' | 'allow' | 'deny' | 'prompt' | 'owner' | 'other';
        const rival = (['allow', 'deny', 'prompt', 'owner', 'other'] as const).find(
          (other) => other !== key && QUALIFIER_GROUPS[other] === index && q[other],
        );
        if (q[key]) this.report(invalidQualifier, 'repeated', range, { word });
        else if (rival) this.report(invalidQualifier, 'both', range, { a: rival, b: word });
        q[key] = range;
        s.pos += word.length;
      }
      if (index < last) {
        this.report(
          invalidQualifier,
          'order',
          { start: at, end: s.pos },
          { word, other: written.get(last) ?? (QUALIFIER_GROUP_NAMES[last] as string) },
        );
      }
      if (!written.has(index)) written.set(index, word);
      last = Math.max(last, index);
      s.skip(false);
    }
    return q;
  }

  private profile(start: number, where: Where, qualifiers: Qualifiers, hat: boolean): Profile {
    const s = this.s;
    let form: Profile['form'] = 'path';
    if (hat) {
      if (s.peek() === '^') {
        form = 'caret';
        s.pos++;
      } else {
        form = 'hat';
        s.pos += 3;
        s.skip(false);
      }
      if (where === 'hat') {
        this.report(syntaxError, 'notHere', { start, end: s.pos }, { what: 'a hat', where: 'inside a hat' });
      }
      if (where === 'preamble' && form === 'caret') this.fail('a profile name');
    } else if (s.peekName() === 'profile') {
      form = 'profile';
      s.pos += 7;
      s.skip(false);
    }
    for (const key of ['audit', 'allow', 'deny', 'prompt', 'owner', 'other', 'priority'] as const) {
      const range = qualifiers[key];
      if (range) this.report(invalidQualifier, 'notFor', range, { word: key, kind: 'profile' });
    }
    const headerStart = s.pos;
    let name: Word | undefined;
    if (s.peek() !== '{') {
      name = s.readPath();
      if (!name) this.fail('a profile name');
      if (name.text.endsWith('{')) {
        // `name{`: the brace opens the profile.
        name = { ...name, text: name.text.slice(0, -1), end: name.end - 1 };
        s.pos = name.end;
      }
      this.checkName(name);
      if (form === 'path' && !name.quoted && /(?<!\[)\^/.test(name.text)) {
        this.report(syntaxError, 'invalid', name, {
          detail: 'old-style hat names (profile^hat) are no longer accepted; nest the hat as ^hat { ... }',
        });
      }
    } else if (form !== 'profile') {
      this.fail('a profile name');
    }
    let attachment: Word | undefined;
    const flags: Flag[] = [];
    let flagsRange: Range | undefined;
    const xattrs: Condition[] = [];
    for (;;) {
      s.skip(false);
      const c = s.peek();
      if (c === '{') break;
      if (c === '') this.fail('"{" opening the profile');
      const word = s.peekName();
      if (word === 'flags' || c === '(') {
        const fstart = s.pos;
        if (word === 'flags') {
          s.pos += 5;
          s.skip(false);
          if (s.peek() === '=') s.pos++;
          s.skip(false);
        }
        if (s.peek() !== '(') this.fail('"(" after flags=');
        flags.push(...this.flagList());
        flagsRange = { start: fstart, end: s.pos };
        continue;
      }
      if (word === 'xattrs' && flags.length === 0 && xattrs.length === 0) {
        if (hat)
          this.report(
            syntaxError,
            'notHere',
            { start: s.pos, end: s.pos + 6 },
            { what: 'xattrs', where: 'on a hat' },
          );
        s.pos += 6;
        s.skip(false);
        if (s.peek() !== '=') this.fail('"=" after xattrs');
        s.pos++;
        s.skip(false);
        if (s.peek() !== '(') this.fail('"(" after xattrs=');
        xattrs.push(...this.conditionGroup('xattrs'));
        continue;
      }
      if (word === 'xattrs' || word === 'flags') this.fail('"{" opening the profile');
      if (
        (form === 'profile' || form === 'path') &&
        !attachment &&
        flags.length === 0 &&
        xattrs.length === 0 &&
        (c === '/' || c === '@' || c === '"')
      ) {
        attachment = s.readPath();
        if (!attachment) this.fail('an attachment path');
        continue;
      }
      this.fail('"{" opening the profile');
    }
    const header = { start: headerStart, end: s.pos };
    const open = s.pos;
    s.pos++;
    const body = this.block(hat || where !== 'preamble' ? 'hat' : 'profile', true, open);
    const profile: Profile = {
      kind: 'profile',
      form,
      flags,
      xattrs,
      qualifiers,
      body,
      header,
      file: this.file,
      start,
      end: s.pos,
    };
    if (name) profile.name = name;
    if (attachment) profile.attachment = attachment;
    if (flagsRange) profile.flagsRange = flagsRange;
    return profile;
  }

  private flagList(): Flag[] {
    const s = this.s;
    const open = s.pos;
    s.pos++;
    const flags: Flag[] = [];
    for (;;) {
      s.skip(false);
      const c = s.peek();
      if (c === ')') {
        s.pos++;
        break;
      }
      if (c === ',') {
        s.pos++;
        continue;
      }
      if (c === '' || c === '{' || c === '\n') this.fail('")" closing the flags', c === '' ? open : s.pos);
      const fstart = s.pos;
      const name = s.readName();
      if (!name) this.fail('a flag');
      const flag: Flag = { name: name.text, start: fstart, end: s.pos };
      if (s.peek() === '=') {
        s.pos++;
        const value = s.readListItem();
        flag.value = value ?? { text: '', quoted: false, start: s.pos, end: s.pos };
        flag.end = s.pos;
      }
      flags.push(flag);
    }
    return flags;
  }

  // ---------------------------------------------------------------- conditionals

  private conditional(start: number, where: Where): Conditional {
    const s = this.s;
    if (this.depth > MAX_DEPTH) this.fail('fewer nested conditions');
    s.pos += 2;
    s.skip(false);
    let negations = 0;
    while (s.peekName() === 'not' && /\s/.test(s.peek(3))) {
      negations++;
      s.pos += 3;
      s.skip(false);
    }
    let test: Conditional['test'] = 'boolean';
    if (s.peekName() === 'defined' && /\s/.test(s.peek(7))) {
      test = 'defined';
      s.pos += 7;
      s.skip(false);
    }
    const vstart = s.pos;
    const m = /^(\$\{[A-Za-z]\w*\}|\$[A-Za-z]\w*|@\{[A-Za-z]\w*\}|@[A-Za-z]\w*)/.exec(
      s.text.slice(s.pos, s.pos + 200),
    );
    if (!m) this.fail('a variable ($NAME or @{NAME}) after if');
    const raw = m[0];
    if (test === 'boolean' && raw.startsWith('@'))
      this.fail('a boolean variable ($NAME); use "defined" for @{NAME}');
    s.pos += raw.length;
    const variable: Word = {
      text: raw.replace(/^([$@])\{?([^}]*)\}?$/, '$1$2'),
      quoted: false,
      start: vstart,
      end: s.pos,
    };
    s.skip(false);
    if (s.peek() !== '{') this.fail('"{" after the condition');
    const open = s.pos;
    s.pos++;
    const then = this.block(where, true, open);
    const node: Conditional = { kind: 'if', negations, test, variable, then, start, end: s.pos };
    const save = s.pos;
    s.skip(false);
    if (s.peekName() === 'else' && /[\s{]/.test(s.peek(4))) {
      s.pos += 4;
      s.skip(false);
      if (s.peekName() === 'if' && /\s/.test(s.peek(2))) {
        this.depth++;
        try {
          node.otherwise = [this.conditional(s.pos, where)];
        } finally {
          this.depth--;
        }
      } else {
        if (s.peek() !== '{') this.fail('"{" or "if" after else');
        const elseOpen = s.pos;
        s.pos++;
        node.otherwise = this.block(where, true, elseOpen);
      }
      node.end = s.pos;
    } else {
      s.pos = save;
    }
    return node;
  }

  // ---------------------------------------------------------------- rules

  private rule(start: number, qualifiers: Qualifiers): Statement {
    const s = this.s;
    const keyword = s.peekName();
    if (keyword === 'set' && /\s/.test(s.peek(3))) return this.rlimit(start, qualifiers);
    if (keyword === 'link' && /\s/.test(s.peek(4))) return this.linkRule(start, qualifiers);
    if (keyword === 'file' && /[\s,]/.test(s.peek(4))) {
      s.pos += 4;
      s.skip(false);
      if (s.peek() === ',') {
        s.pos++;
        return this.fileRule(start, qualifiers, undefined, undefined, undefined);
      }
      return this.fileRuleBody(start, qualifiers);
    }
    if (
      MEDIATION_KEYWORDS.has(keyword as MediationRule['kind']) &&
      /[\s,]/.test(s.peek(keyword.length) || ',')
    ) {
      return this.mediation(start, qualifiers, keyword as MediationRule['kind']);
    }
    // apparmor_parser's keyword table spells umount both ways.
    if (keyword === 'unmount' && /[\s,]/.test(s.peek(7) || ','))
      return this.mediation(start, qualifiers, 'umount', keyword.length);
    const c = s.peek();
    if (
      c === '/' ||
      c === '@' ||
      c === '"' ||
      c === '{' ||
      /^[rwalkmxiupcRWMXUPC]+$/.test(keyword) ||
      ((keyword === 'safe' || keyword === 'unsafe') && /\s/.test(s.peek(keyword.length)))
    ) {
      return this.fileRuleBody(start, qualifiers);
    }
    if (c === ',') this.fail('a rule before ","');
    this.fail('a rule (a path, file, capability, network, signal, ptrace, mount, ...)');
  }

  private fileRuleBody(start: number, qualifiers: Qualifiers): FileRule {
    const s = this.s;
    let path: Word | undefined;
    let perms: Word | undefined;
    let safety: Word | undefined;
    const mode = s.peekName();
    if ((mode === 'safe' || mode === 'unsafe') && /\s/.test(s.peek(mode.length))) {
      safety = s.readName();
      s.skip(false);
    }
    const c = s.peek();
    const pathFirst = c === '/' || c === '@' || c === '"' || c === '{';
    if (pathFirst) {
      path = s.readPath();
      if (!path) this.fail('a path');
      s.skip(false);
      perms = s.readName();
      if (!perms) this.fail('permissions after the path (r, w, ix, ...)');
    } else {
      perms = s.readName();
      if (!perms) this.fail('permissions or a path');
      s.skip(false);
      if (!/^[/@"{]/.test(s.peek())) this.fail('a path after the permissions');
      path = s.readPath();
      if (!path) this.fail('a path');
    }
    s.skip(false);
    let target: Word | undefined;
    if (s.startsWith('->')) {
      s.pos += 2;
      s.skip(false);
      target = s.readPath();
      if (!target) this.fail('an exec target after "->"');
      s.skip(false);
    }
    if (s.peek() !== ',') this.fail('"," ending the rule');
    s.pos++;
    const rule = this.fileRule(start, qualifiers, path, perms, target);
    if (safety) rule.safety = safety;
    if (!pathFirst) rule.permissionsFirst = true;
    return rule;
  }

  private fileRule(
    start: number,
    qualifiers: Qualifiers,
    path: Word | undefined,
    perms: Word | undefined,
    target: Word | undefined,
  ): FileRule {
    const rule: FileRule = {
      kind: 'file',
      qualifiers,
      permissions: { read: false, write: false, append: false, link: false, lock: false, mmap: false },
      start,
      end: this.s.pos,
    };
    if (path) rule.path = path;
    if (target) rule.target = target;
    if (perms) {
      rule.permissionsWord = perms;
      rule.permissions = parseFilePermissions(perms, qualifiers, (messageId, ...data) =>
        this.report(invalidPermissions, messageId, perms, ...data),
      );
    }
    return rule;
  }

  private linkRule(start: number, qualifiers: Qualifiers): Statement {
    const s = this.s;
    s.pos += 4;
    s.skip(false);
    let subset = false;
    if (s.peekName() === 'subset' && /\s/.test(s.peek(6))) {
      subset = true;
      s.pos += 6;
      s.skip(false);
    }
    const path = s.readPath();
    if (!path) this.fail('the link path');
    s.skip(false);
    if (!s.startsWith('->')) this.fail('"->" and the link target');
    s.pos += 2;
    s.skip(false);
    const target = s.readPath();
    if (!target) this.fail('the link target');
    s.skip(false);
    if (s.peek() !== ',') this.fail('"," ending the rule');
    s.pos++;
    return { kind: 'link', qualifiers, subset, path, target, start, end: s.pos };
  }

  private rlimit(start: number, qualifiers: Qualifiers): Statement {
    const s = this.s;
    const keywordStart = s.pos;
    s.pos += 3;
    s.skip(false);
    if (s.peekName() !== 'rlimit') this.fail('"rlimit" after set');
    s.pos += 6;
    const keyword = { start: keywordStart, end: s.pos };
    s.skip(false);
    const name = s.readName();
    if (!name) this.fail('an rlimit name');
    s.skip(false);
    if (!s.startsWith('<=')) this.fail('"<=" after the rlimit name');
    s.pos += 2;
    s.skip(false);
    const value = s.readName();
    if (!value) this.fail('an rlimit value');
    s.skip(false);
    // AppArmor 4 takes the unit as a word of its own too: `set rlimit cpu <= 10 seconds,`.
    const words = [value];
    const unit = s.peek() === ',' ? undefined : s.readName();
    if (unit) {
      words.push(unit);
      s.skip(false);
    }
    if (s.peek() !== ',') this.fail('"," ending the rule');
    s.pos++;
    return {
      kind: 'rlimit',
      keyword,
      qualifiers,
      permissions: [name],
      parenthesized: false,
      conditions: [],
      words,
      start,
      end: s.pos,
    };
  }

  /** capability, network, signal, ptrace, unix, dbus, mount family, change_profile, ... */
  private mediation(
    start: number,
    qualifiers: Qualifiers,
    kind: MediationRule['kind'],
    length: number = kind.length,
  ): MediationRule {
    const s = this.s;
    const keyword = { start: s.pos, end: s.pos + length };
    s.pos += length;
    const rule: MediationRule = {
      kind,
      keyword,
      qualifiers,
      permissions: [],
      parenthesized: false,
      conditions: [],
      words: [],
      start,
      end: s.pos,
    };
    for (;;) {
      const before = s.pos;
      s.skip(false);
      const c = s.peek();
      if (c === ',') {
        s.pos++;
        break;
      }
      if (c === '' || c === '}' || c === '{') this.fail('"," ending the rule');
      if (this.forgotComma(kind, before)) this.fail('"," ending the rule');
      if (s.startsWith('->')) {
        s.pos += 2;
        s.skip(false);
        if (rule.target) this.fail('a single "->" target');
        const target = s.readPath();
        if (!target) this.fail('a target after "->"');
        rule.target = target;
        continue;
      }
      if (c === '(') {
        if (rule.permissions.length > 0 || rule.conditions.length > 0 || rule.words.length > 0) {
          this.fail('a condition (key=value)');
        }
        rule.parenthesized = true;
        append(rule.permissions, this.list());
        continue;
      }
      if (/[/@"{*?[:^]/.test(c) || (kind === 'change_profile' && c !== '(')) {
        // Bare words that are paths or names: mount source, change_profile exec, unix address...
        const word = this.peekConditionKey() ? undefined : s.readPath();
        if (word) {
          rule.words.push(word);
          continue;
        }
      }
      const word = s.readName();
      if (!word) this.fail('a rule word, condition or ","');
      const after = s.pos;
      s.skipBlanks();
      if (s.peek() === '=') {
        s.pos++;
        s.skipBlanks();
        rule.conditions.push(this.conditionValue(word, kind));
        continue;
      }
      if (s.peekName() === 'in' && /\s/.test(s.peek(2)) && kind !== 'capability') {
        s.pos += 2;
        s.skip(false);
        if (s.peek() !== '(') this.fail('"(" after in');
        const values = this.list();
        rule.conditions.push({
          key: word.text,
          keyRange: word,
          values,
          membership: true,
          start: word.start,
          end: s.pos,
        });
        continue;
      }
      s.pos = after;
      if (rule.conditions.length === 0 && rule.words.length === 0 && !rule.parenthesized)
        rule.permissions.push(word);
      else rule.words.push(word);
    }
    rule.end = s.pos;
    return rule;
  }

  /**
   * A capability or network rule whose comma was forgotten runs on into the next line's rule
   * (`capability setuid` then `capability chown,` reads as capability "capability"): a rule
   * keyword, qualifier or path at the start of a new line, where these rules take only names,
   * is the next rule.
   */
  private forgotComma(kind: MediationRule['kind'], before: number): boolean {
    if (kind !== 'capability' && kind !== 'network') return false;
    const s = this.s;
    if (!s.text.slice(before, s.pos).includes('\n')) return false;
    const c = s.peek();
    if (c === '/' || c === '@' || c === '"' || c === '^') return true;
    const word = s.peekName();
    if (
      kind === 'network' &&
      (NETWORK_DOMAINS.has(word) || NETWORK_TYPES.has(word) || NETWORK_PROTOCOL_TYPES[word] !== undefined)
    )
      return false;
    return RULE_STARTS.has(word);
  }

  /** Whether the next word is `key=` (so not a bare path). */
  private peekConditionKey(): boolean {
    const m = /^[A-Za-z_][\w.-]*\s*=/.exec(this.s.text.slice(this.s.pos, this.s.pos + 64));
    return m !== null;
  }

  private conditionValue(key: Word, kind: string): Condition {
    const s = this.s;
    const condition: Condition = {
      key: key.text,
      keyRange: key,
      values: [],
      membership: false,
      start: key.start,
      end: s.pos,
    };
    if (s.peek() === '(') {
      if (key.text === 'peer' || (kind === 'unix' && key.text === 'peer')) {
        condition.nested = this.conditionGroup(kind);
      } else {
        condition.values = this.list();
      }
    } else {
      const value = s.peek() === '"' ? s.readQuoted() : this.readConditionWord();
      if (!value) this.fail(`a value after ${key.text}=`);
      condition.values = [value];
    }
    condition.end = s.pos;
    return condition;
  }

  /** A condition value: path characters, but `)` closes an enclosing group. */
  private readConditionWord(): Word | undefined {
    const s = this.s;
    const start = s.pos;
    let depth = 0;
    while (!s.eof) {
      const c = s.peek();
      if (/\s/.test(c) || c === '"') break;
      if (c === ',' && depth === 0) {
        const next = s.peek(1);
        if (next === '' || /[\s,)]/.test(next)) break;
      }
      if (c === '{') depth++;
      if (c === '}') depth--;
      if (c === ')' && depth <= 0) break;
      if (c === '\\') s.pos++;
      s.pos++;
    }
    if (s.pos === start) return undefined;
    return { text: s.text.slice(start, s.pos), quoted: false, start, end: s.pos };
  }

  /** `( word, word word )`. */
  private list(): Word[] {
    const s = this.s;
    const open = s.pos;
    s.pos++;
    const out: Word[] = [];
    for (;;) {
      s.skip(false);
      const c = s.peek();
      if (c === ')') {
        s.pos++;
        return out;
      }
      if (c === ',') {
        s.pos++;
        continue;
      }
      if (c === '' || c === '(' || c === '{' || c === '}')
        this.fail('")" closing the list', c === '' ? open : s.pos);
      const word = s.readListItem();
      if (!word) this.fail('a value or ")"');
      out.push(word);
    }
  }

  /** `(key=value key=(a b) ...)`: xattrs and peer conditions. */
  private conditionGroup(kind: string): Condition[] {
    const s = this.s;
    const open = s.pos;
    s.pos++;
    const out: Condition[] = [];
    for (;;) {
      s.skip(false);
      const c = s.peek();
      if (c === ')') {
        s.pos++;
        return out;
      }
      if (c === ',' && kind !== 'xattrs') {
        s.pos++;
        continue;
      }
      if (c === '' || c === '{' || c === '}')
        this.fail('")" closing the conditions', c === '' ? open : s.pos);
      const key = s.readName();
      if (!key) this.fail('key=value');
      s.skipBlanks();
      if (s.peek() !== '=') {
        if (kind === 'xattrs') {
          out.push({
            key: key.text,
            keyRange: key,
            values: [],
            membership: false,
            start: key.start,
            end: key.end,
          });
          continue;
        }
        this.fail(`"=" after ${key.text}`);
      }
      s.pos++;
      s.skipBlanks();
      out.push(this.conditionValue(key, kind));
    }
  }
}

/** Parses one file's text. */
export function parseApparmor(text: string, options: ParseOptions, where: Where = 'preamble'): Statement[] {
  return new Parser(text, options).parseFile(where);
}
