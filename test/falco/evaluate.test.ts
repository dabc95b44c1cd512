/**
 * The evaluator against Falco's documented semantics, one table per concern. Each row is a
 * condition, an event's fields and whether Falco would match it.
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/languages/falco/condition/parser.js';
import type { Expr } from '../../src/languages/falco/condition/ast.js';
import { CompileError, compileCondition } from '../../src/languages/falco/evaluate/compile.js';
import { eventTypes, hasType } from '../../src/languages/falco/condition/evttypes.js';
import { Ruleset } from '../../src/languages/falco/evaluate/engine.js';
import { compileGlob } from '../../src/languages/falco/evaluate/fnmatch.js';
import { parseIpv4 } from '../../src/languages/falco/evaluate/operators.js';

function ast(condition: string): Expr {
  const result = parse(condition);
  if (!('ast' in result)) throw new Error(`${condition}: ${result.error}`);
  return result.ast;
}

const matches = (condition: string, fields: Record<string, unknown>): boolean =>
  compileCondition(ast(condition))(fields);

/**
 * The same condition as the engine runs it: a one-rule ruleset, its chain generated for the
 * event's type (or untyped). `source` names the field catalogue (none for "test").
 */
function engineMatches(condition: string, fields: Record<string, unknown>, source = 'test'): boolean {
  const rule = {
    name: 'r',
    condition: ast(condition),
    output: '',
    priority: 'INFO',
    source,
    tags: [],
    enabled: true,
  };
  return new Ruleset([rule], 'first').first({ source, fields }) !== undefined;
}

type Row = [condition: string, fields: Record<string, unknown>, expected: boolean];

function table(name: string, rows: Row[]): void {
  describe(name, () => {
    it.each(rows)('%s on %j is %s', (condition, fields, expected) => {
      expect(matches(condition, fields)).toBe(expected);
      expect(engineMatches(condition, fields)).toBe(expected);
      expect(engineMatches(condition, { ...fields, 'evt.type': 'openat' })).toBe(expected);
    });
  });
}

const bash = { 'proc.name': 'bash' };

table('an absent field makes every check false', [
  ['proc.name = bash', {}, false],
  ['proc.name != bash', {}, false],
  ['proc.name != bash', { 'proc.name': null }, false],
  ['not proc.name = bash', {}, true],
  ['proc.name in (bash, sh)', {}, false],
  ['proc.name contains a', {}, false],
  ['proc.name startswith b', {}, false],
  ['proc.name glob "*"', {}, false],
  ['proc.name regex ".*"', {}, false],
  ['fd.name pmatch (/)', {}, false],
  ['user.uid < 1', {}, false],
  ['user.uid >= 0', {}, false],
  ['proc.name exists', {}, false],
  ['proc.name exists', { 'proc.name': null }, false],
  ['proc.name exists', bash, true],
  ['proc.name exists', { 'proc.name': '' }, true],
  ['tolower(proc.name) = bash', {}, false],
  ['proc.aname = bash', {}, false],
  ['proc.aname exists', {}, false],
]);

table('equality and ordering, as Falco converts values', [
  ['proc.name = bash', bash, true],
  ['proc.name == bash', bash, true],
  ['proc.name = Bash', bash, false],
  ['proc.name != sh', bash, true],
  ['proc.name != bash', bash, false],
  ['proc.name = "bash"', bash, true],
  ['user.uid = 0', { 'user.uid': 0 }, true],
  ['user.uid != 0', { 'user.uid': 1000 }, true],
  ['user.uid < 1000', { 'user.uid': 999 }, true],
  ['user.uid < 1000', { 'user.uid': 1000 }, false],
  ['user.uid <= 1000', { 'user.uid': 1000 }, true],
  ['user.uid > 999', { 'user.uid': 1000 }, true],
  ['user.uid >= 1001', { 'user.uid': 1000 }, false],
  // numbers compare as numbers, not as text ("999" > "1000" as text)
  ['fd.rport > 999', { 'fd.rport': 1000 }, true],
  ['evt.rawres < 0', { 'evt.rawres': -2 }, true],
  ['evt.rawres >= 0', { 'evt.rawres': -2 }, false],
  ['proc.is_exe_writable = true', { 'proc.is_exe_writable': true }, true],
  ['proc.is_exe_writable = false', { 'proc.is_exe_writable': true }, false],
  ['proc.is_exe_writable != false', { 'proc.is_exe_writable': true }, true],
  ['fd.sip = 10.0.0.1', { 'fd.sip': '10.0.0.1' }, true],
  ['fd.net = 10.0.0.0/8', { 'fd.net': '10.2.3.4' }, true],
  ['fd.net = 10.0.0.0/8', { 'fd.net': '11.2.3.4' }, false],
  ['fd.net != 10.0.0.0/8', { 'fd.net': '11.2.3.4' }, true],
]);

table('string operators', [
  ['proc.cmdline contains "-c ls"', { 'proc.cmdline': 'bash -c ls' }, true],
  ['proc.cmdline contains "-C"', { 'proc.cmdline': 'bash -c ls' }, false],
  ['proc.cmdline icontains "-C LS"', { 'proc.cmdline': 'bash -c ls' }, true],
  ['fd.name startswith /etc/', { 'fd.name': '/etc/shadow' }, true],
  ['fd.name startswith /etc/', { 'fd.name': '/etcx' }, false],
  ['fd.name endswith shadow', { 'fd.name': '/etc/shadow' }, true],
  ['fd.name endswith shado', { 'fd.name': '/etc/shadow' }, false],
  ['evt.buffer bcontains 6c73', { 'evt.buffer': 'ls -la' }, true],
  ['evt.buffer bcontains 7a7a', { 'evt.buffer': 'ls -la' }, false],
  ['evt.buffer bstartswith 6c73', { 'evt.buffer': 'ls -la' }, true],
  ['evt.buffer bstartswith 2d6c', { 'evt.buffer': 'ls -la' }, false],
]);

table('glob is fnmatch without path handling', [
  ['fd.name glob "/etc/*"', { 'fd.name': '/etc/shadow' }, true],
  // `*` crosses `/` (no FNM_PATHNAME)
  ['fd.name glob "/etc/*"', { 'fd.name': '/etc/ssh/sshd_config' }, true],
  ['fd.name glob "/etc/*"', { 'fd.name': '/var/etc/x' }, false],
  ['fd.name glob "*.pem"', { 'fd.name': '/home/a/key.pem' }, true],
  ['fd.name glob "/tmp/?"', { 'fd.name': '/tmp/a' }, true],
  ['fd.name glob "/tmp/?"', { 'fd.name': '/tmp/ab' }, false],
  ['fd.name glob "/dev/tty[0-9]"', { 'fd.name': '/dev/tty7' }, true],
  ['fd.name glob "/dev/tty[!0-9]"', { 'fd.name': '/dev/tty7' }, false],
  ['fd.name glob "/dev/tty[!0-9]"', { 'fd.name': '/dev/ttyS' }, true],
  ['fd.name glob "/a\\\\*b"', { 'fd.name': '/a*b' }, true],
  ['fd.name glob "/a\\\\*b"', { 'fd.name': '/axb' }, false],
  ['fd.name glob "/ETC/*"', { 'fd.name': '/etc/x' }, false],
  ['fd.name iglob "/ETC/*"', { 'fd.name': '/etc/x' }, true],
  ['fd.name glob "[[:digit:]]*"', { 'fd.name': '7up' }, true],
]);

table('regex is an anchored full match (RE2)', [
  ['proc.name regex "ba.h"', bash, true],
  ['proc.name regex "as"', bash, false],
  ['proc.name regex ".*as.*"', bash, true],
  ['proc.name regex "(ba|z)sh"', bash, true],
  ['proc.name regex "[[:alpha:]]+"', bash, true],
  ['proc.name regex "(a+)+$"', { 'proc.name': `${'a'.repeat(5000)}!` }, false],
]);

table('in, intersects and pmatch', [
  ['proc.name in (sh, bash)', bash, true],
  ['proc.name in (sh, zsh)', bash, false],
  ['proc.name in ("bash")', bash, true],
  ['fd.rport in (22, 2222)', { 'fd.rport': 22 }, true],
  ['fd.rport in (22, 2222)', { 'fd.rport': 23 }, false],
  ['proc.name intersects (sh, bash)', bash, true],
  // a list-valued field: `in` needs every value in the set, `intersects` one
  ['fd.types in (ipv4, ipv6)', { 'fd.types': ['ipv4', 'ipv6'] }, true],
  ['fd.types in (ipv4)', { 'fd.types': ['ipv4', 'unix'] }, false],
  ['fd.types intersects (ipv4)', { 'fd.types': ['ipv4', 'unix'] }, true],
  ['fd.types intersects (file)', { 'fd.types': ['ipv4', 'unix'] }, false],
  ['fd.types exists', { 'fd.types': [] }, false],
  ['fd.name pmatch (/etc, /usr/bin)', { 'fd.name': '/etc/passwd' }, true],
  ['fd.name pmatch (/etc, /usr/bin)', { 'fd.name': '/etc' }, true],
  ['fd.name pmatch (/etc, /usr/bin)', { 'fd.name': '/etcetera' }, false],
  ['fd.name pmatch (/etc/, /usr/bin)', { 'fd.name': '/usr/bin/ls' }, true],
  ['fd.name pmatch (/etc, /usr/bin)', { 'fd.name': '/usr/sbin/ls' }, false],
  ['fd.sip in (10.0.0.0/8)', { 'fd.sip': '10.1.1.1' }, true],
]);

table('operator modifiers', [
  ['proc.name startswith anyof (ba, zs)', bash, true],
  ['proc.name startswith anyof (zs, k)', bash, false],
  ['proc.cmdline contains allof (bash, ls)', { 'proc.cmdline': 'bash -c ls' }, true],
  ['proc.cmdline contains allof (bash, rm)', { 'proc.cmdline': 'bash -c ls' }, false],
  ['proc.name startswith oneof (b, ba)', bash, false],
  ['proc.name startswith oneof (b, z)', bash, true],
]);

table('ancestors: proc.aname without an index matches any ancestor', [
  ['proc.aname = sshd', { 'proc.pname': 'bash', 'proc.aname[2]': 'sshd' }, true],
  ['proc.aname = sshd', { 'proc.aname[1]': 'bash', 'proc.aname[3]': 'sshd' }, true],
  ['proc.aname = sshd', { 'proc.aname': ['bash', 'sshd', 'systemd'] }, true],
  ['proc.aname = bash', { 'proc.name': 'bash', 'proc.pname': 'sshd' }, false],
  ['proc.aname in (nginx, httpd)', { 'proc.pname': 'sh', 'proc.aname[2]': 'nginx' }, true],
  ['proc.aname != sshd', { 'proc.pname': 'sshd' }, false],
  ['proc.aname != sshd', { 'proc.pname': 'sshd', 'proc.aname[2]': 'init' }, true],
  ['proc.aname[2] = sshd', { 'proc.pname': 'bash', 'proc.aname[2]': 'sshd' }, true],
  ['proc.aname[1] = bash', { 'proc.pname': 'bash' }, true],
  ['proc.pname = bash', { 'proc.aname[1]': 'bash' }, true],
  ['proc.aname[0] = bash', bash, true],
  ['proc.aname exists', { 'proc.aname[2]': 'x' }, true],
]);

table('fd.ip, fd.net, fd.port and fd.proto test both ends of a connection', [
  ['fd.ip = 10.0.0.1', { 'fd.cip': '10.0.0.1', 'fd.sip': '10.0.0.2' }, true],
  ['fd.ip = 10.0.0.2', { 'fd.cip': '10.0.0.1', 'fd.sip': '10.0.0.2' }, true],
  ['fd.ip = 10.0.0.3', { 'fd.cip': '10.0.0.1', 'fd.sip': '10.0.0.2' }, false],
  ['fd.ip != 10.0.0.1', { 'fd.cip': '10.0.0.1', 'fd.sip': '10.0.0.2' }, false],
  ['fd.ip != 10.0.0.3', { 'fd.cip': '10.0.0.1', 'fd.sip': '10.0.0.2' }, true],
  ['fd.ip != 10.0.0.3', {}, false],
  ['fd.net = 192.168.0.0/16', { 'fd.lip': '10.0.0.1', 'fd.rip': '192.168.4.4' }, true],
  ['fd.port in (22, 2222)', { 'fd.cport': 40000, 'fd.sport': 22 }, true],
  ['fd.port = 80', { 'fd.port': 80 }, true],
  ['fd.proto exists', { 'fd.sproto': 'ssh' }, true],
  ['fd.snet in (127.0.0.0/8)', { 'fd.sip': '127.0.0.1' }, true],
  ['fd.snet in (127.0.0.0/8)', { 'fd.sip': '10.0.0.1' }, false],
  ['fd.cnet = 10.0.0.0/8', { 'fd.cip': '10.0.0.1' }, true],
]);

table('transformers', [
  ['tolower(proc.name) = bash', { 'proc.name': 'BaSh' }, true],
  ['toupper(proc.name) = BASH', bash, true],
  ['basename(proc.exepath) = bash', { 'proc.exepath': '/usr/bin/bash' }, true],
  ['basename(proc.exepath) = bash', { 'proc.exepath': '/usr/bin/' }, false],
  ['b64(evt.arg.data) = hello', { 'evt.arg.data': 'aGVsbG8=' }, true],
  ['b64(evt.arg.data) = hello', { 'evt.arg.data': 'not base64!' }, false],
  ['b64(evt.arg.data) != hello', { 'evt.arg.data': 'not base64!' }, false],
  ['len(proc.name) = 4', bash, true],
  ['len(proc.name) > 4', bash, false],
  ['len(fd.types) = 2', { 'fd.types': ['a', 'b'] }, true],
  ['tolower(basename(proc.exepath)) = bash', { 'proc.exepath': '/bin/BASH' }, true],
  ['proc.name = val(proc.pname)', { 'proc.name': 'bash', 'proc.pname': 'bash' }, true],
  ['proc.name = val(proc.pname)', { 'proc.name': 'bash', 'proc.pname': 'sh' }, false],
  ['proc.name != val(proc.pname)', { 'proc.name': 'bash' }, false],
  ['proc.exepath endswith val(proc.name)', { 'proc.exepath': '/bin/bash', 'proc.name': 'bash' }, true],
  ['user.uid < val(user.loginuid)', { 'user.uid': 5, 'user.loginuid': 1000 }, true],
  // join, concat and getopt are recent in libsinsp and undocumented: these rows fix chs's reading
  ['join("-", (proc.name, proc.pname)) = bash-sshd', { 'proc.name': 'bash', 'proc.pname': 'sshd' }, true],
  ['join("-", (proc.name, proc.pname)) = bash-sshd', { 'proc.name': 'bash' }, false],
  ['concat(proc.name, proc.pname) = bashsshd', { 'proc.name': 'bash', 'proc.pname': 'sshd' }, true],
  ['concat(proc.name, "-x") = bash-x', bash, true],
  ['proc.exe = concat(proc.pname, "d")', { 'proc.exe': 'sshd', 'proc.pname': 'ssh' }, true],
  ['getopt(proc.args, "c:")["c"] = ls', { 'proc.args': '-c ls' }, true],
  ['getopt(proc.args, "c:")["c"] = ls', { 'proc.args': '-cls' }, true],
  ['getopt(proc.args, "lc:")["c"] = ls', { 'proc.args': '-l -c ls' }, true],
  ['getopt(proc.args, "lc:")["l"] exists', { 'proc.args': '-lc ls' }, true],
  ['getopt(proc.args, "c:")["c"] exists', { 'proc.args': 'script.sh -c ls' }, false],
  ['getopt(proc.args, "c:")["c"] exists', {}, false],
]);

table('and, or, not', [
  ['proc.name = bash and user.uid = 0', { 'proc.name': 'bash', 'user.uid': 0 }, true],
  ['proc.name = bash and user.uid = 0', { 'proc.name': 'bash', 'user.uid': 1 }, false],
  ['proc.name = sh or user.uid = 0', { 'proc.name': 'bash', 'user.uid': 0 }, true],
  ['not (proc.name = sh or user.uid = 0)', { 'proc.name': 'bash', 'user.uid': 1 }, true],
  ['proc.name = bash and not user.uid = 0', bash, true],
  ['proc.name = a or proc.name = b or proc.name = bash', bash, true],
  ['proc.name = bash and proc.name = bash and proc.name = sh', bash, false],
]);

describe('IPv4 addresses', () => {
  it('reads them as the dotted-quad pattern does, by every character', () => {
    const reference = (text: string): number | undefined => {
      const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
      if (!m || m.slice(1).some((part) => Number(part) > 255)) return undefined;
      return m.slice(1).reduce((n, part) => n * 256 + Number(part), 0);
    };
    const alphabet = ['1', '9', '0', '2', '5', '.', '.', 'a', ' ', '\u0661'];
    let seed = 7;
    for (let i = 0; i < 20000; i++) {
      let text = '';
      const length = (seed = (seed * 1103515245 + 12345) % 2147483648) % 17;
      for (let j = 0; j < length; j++)
        text += alphabet[(seed = (seed * 1103515245 + 12345) % 2147483648) % alphabet.length];
      expect(parseIpv4(text), JSON.stringify(text)).toBe(reference(text));
    }
    for (const text of [
      '10.0.0.1',
      '255.255.255.255',
      '0.0.0.0',
      '256.0.0.1',
      '1.2.3',
      '01.002.3.4',
      '1.2.3.4.',
    ])
      expect(parseIpv4(text), text).toBe(reference(text));
  });
});

table('an address out of range is in no network', [
  ['fd.sip = 10.0.0.0/8', { 'fd.sip': '999.0.0.1' }, false],
  ['fd.sip != 10.0.0.0/8', { 'fd.sip': '999.0.0.1' }, true],
  ['fd.sip in (10.0.0.0/8)', { 'fd.sip': '999.0.0.1' }, false],
  ['fd.sip in (10.0.0.0/8, 192.168.0.0/16)', { 'fd.sip': '192.168.3.4' }, true],
  ['fd.sip != 10.0.0.0/8', { 'fd.sip': 'ten' }, true],
]);

describe('evt.arg spellings', () => {
  it('reads evt.arg.name and evt.arg[name] from either key', () => {
    expect(matches('evt.arg.flags contains O_RDONLY', { 'evt.arg[flags]': 'O_RDONLY' })).toBe(true);
    expect(matches('evt.arg[flags] contains O_RDONLY', { 'evt.arg.flags': 'O_RDONLY' })).toBe(true);
  });
});

describe('compile errors', () => {
  it('reports a bad regex, an unexpanded macro and bad hex with their spans', () => {
    expect(() => compileCondition(ast('proc.name regex "(a"'))).toThrow(CompileError);
    expect(() => compileCondition(ast('spawned_process and proc.name = a'))).toThrow(
      /undefined macro "spawned_process"/,
    );
    expect(() => compileCondition(ast('evt.buffer bcontains zz'))).toThrow(/hexadecimal/);
  });
});

describe('event types a condition can match', () => {
  const types = (condition: string) => eventTypes(ast(condition));
  it('narrows on evt.type and keeps a superset under not', () => {
    const t = types('evt.type in (open, openat) and proc.name = cat');
    expect(hasType(t, 'open')).toBe(true);
    expect(hasType(t, 'execve')).toBe(false);
    expect(hasType(types('evt.type = open or evt.type = execve'), 'execve')).toBe(true);
    expect(hasType(types('proc.name = cat'), 'anything')).toBe(true);
    const negated = types('not evt.type = open');
    expect(hasType(negated, 'open')).toBe(false);
    expect(hasType(negated, 'execve')).toBe(true);
    // not (A and B) = not A or not B: every type can match
    expect(hasType(types('not (evt.type = open and proc.name = x)'), 'open')).toBe(true);
    expect(hasType(types('evt.type != open and evt.type != close'), 'close')).toBe(false);
    expect(hasType(types('evt.type = open and evt.type = close'), 'open')).toBe(false);
  });
});

/** fnmatch for `*`, `?`, `\\` and literals, by plain recursion over code points (small inputs only). */
function naiveGlob(pattern: string, text: string): boolean {
  const p = Array.from(pattern);
  const t = Array.from(text);
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === t.length;
    if (p[i] === '*') return match(i + 1, j) || (j < t.length && match(i, j + 1));
    if (j === t.length) return false;
    if (p[i] === '?') return match(i + 1, j + 1);
    const literal = p[i] === '\\' && i + 1 < p.length ? p[++i] : p[i];
    return literal === t[j] && match(i + 1, j + 1);
  };
  return match(0, 0);
}

describe('glob matcher', () => {
  it('agrees with a naive fnmatch, characters outside the BMP included', () => {
    const alphabet = ['a', 'b', '/', '\u{1F600}', 'é'];
    const wild = [...alphabet, '*', '?', '\\*', '\\?'];
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const word = (from: string[], max: number): string =>
      Array.from({ length: next(max + 1) }, () => from[next(from.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const pattern = word(wild, 5);
      const text = word(alphabet, 6);
      expect(compileGlob(pattern)(text), `${pattern} on ${text}`).toBe(naiveGlob(pattern, text));
    }
  });

  it('matches one character outside the BMP with ? and in brackets', () => {
    expect(compileGlob('/tmp/?x')('/tmp/\u{1F600}x')).toBe(true);
    expect(compileGlob('/tmp/??x')('/tmp/\u{1F600}x')).toBe(false);
    expect(compileGlob('[\u{1F600}b]x')('\u{1F600}x')).toBe(true);
    expect(compileGlob('[!\u{1F600}]x')('\u{1F600}x')).toBe(false);
    expect(compileGlob('[[:punct:]]*')('/etc')).toBe(true);
    expect(compileGlob('[[:alpha:]]*')('/etc')).toBe(false);
    expect(compileGlob('*[[:space:]]')('a\t')).toBe(true);
  });

  it('stays fast on patterns that make naive matchers explode', () => {
    const match = compileGlob(`${'*a'.repeat(30)}b`);
    const start = Date.now();
    expect(match('a'.repeat(5000))).toBe(false);
    expect(Date.now() - start).toBeLessThan(5000);
  });
});

describe('values converted to their field type, as Falco holds them', () => {
  const typed = (condition: string, fields: Record<string, unknown>): boolean =>
    compileCondition(ast(condition), 'syscall')(fields);
  it.each([
    // a number field written as text compares as a number ("22" > "1000" as text)
    ['fd.rport > 1000', { 'fd.rport': '22' }, false],
    ['fd.rport < 1000', { 'fd.rport': '22' }, true],
    ['user.uid in (0, 1)', { 'user.uid': '0' }, true],
    // a text field written as a number compares as text
    ['proc.name = 123', { 'proc.name': 123 }, true],
    ['proc.name startswith 12', { 'proc.name': 123 }, true],
    // a boolean written as text
    ['proc.is_exe_writable = true', { 'proc.is_exe_writable': 'true' }, true],
    ['proc.is_exe_writable = true', { 'proc.is_exe_writable': 'false' }, false],
    // text that is no number stays text, and is not equal to a number
    ['fd.rport = 22', { 'fd.rport': 'ssh' }, false],
  ] as Row[])('%s on %j is %s', (condition, fields, expected) => {
    expect(typed(condition, fields)).toBe(expected);
    expect(engineMatches(condition, fields, 'syscall')).toBe(expected);
  });
  it('leaves values as recorded without a catalogue', () => {
    expect(matches('fd.rport > 1000', { 'fd.rport': '22' })).toBe(true);
  });
});

describe('regex verdicts remembered per string', () => {
  it('answer each string by its own content, short or long', () => {
    const test = compileCondition(ast('proc.name regex "ba+sh"'));
    const long = `b${'a'.repeat(300)}sh`;
    for (let round = 0; round < 3; round++) {
      expect(test({ 'proc.name': 'bash' })).toBe(true);
      expect(test({ 'proc.name': 'bush' })).toBe(false);
      expect(test({ 'proc.name': long })).toBe(true);
      expect(test({ 'proc.name': `${long}!` })).toBe(false);
    }
  });
});
