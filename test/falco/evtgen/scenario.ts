/**
 * The event-generator suite (falco e2e_tests/evtgen_suite) turned into recorded events. Each
 * scenario names the processes it runs, the system calls it makes and the output fields Falco
 * must report; from those we build the field map a recording of that system call would carry
 * (the call's own arguments, the process and its ancestors, the socket or file it touched), then
 * overlay the expected output fields. Nothing is invented that the scenario does not state: what
 * only a live kernel knows (how long a process has run, whether a file sits in an overlay upper
 * layer, whether a container is privileged) stays absent, and the cases that need it are the
 * ones that cannot be reproduced from fields alone.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../../../src/core/yaml.js';
import { textOf } from '../../../src/core/text.js';

export interface ExpandedCase {
  file: string;
  test: string;
  rule: string;
  /** The priority the suite expects the alert to have. */
  priority: string;
  /** The matrix item, for messages. */
  item: Record<string, unknown>;
  /** The events the scenario produces, the last one being the one Falco alerts on. */
  events: Record<string, unknown>[];
}

type Json = Record<string, unknown>;

const TEMPLATE_WHOLE = /^%\{\s*item\.(\w+)\s*\}$/;
const TEMPLATE = /%\{\s*item\.(\w+)\s*\}/g;

/** Substitutes `%{ item.x }`: a whole-value template takes the item's value as it is (null, {}...). */
function fill(value: unknown, item: Json): unknown {
  if (typeof value === 'string') {
    const whole = TEMPLATE_WHOLE.exec(value.trim());
    if (whole) return item[whole[1] as string];
    return value.replace(TEMPLATE, (_m, key: string) => String(item[key]));
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, item));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, item)]));
  return value;
}

function expand(cases: unknown): Json[] {
  if (!Array.isArray(cases) || cases.length === 0) return [{}];
  const out: Json[] = [];
  for (const c of cases as Json[]) {
    const values = (c.values ?? {}) as Record<string, unknown>;
    if (c.strategy === 'vector') {
      out.push({ ...values });
      continue;
    }
    let items: Json[] = [{}];
    for (const [key, list] of Object.entries(values)) {
      const options = Array.isArray(list) ? list : [list];
      items = items.flatMap((item) => options.map((option) => ({ ...item, [key]: option })));
    }
    out.push(...items);
  }
  return out;
}

/** uids of the Debian system users the suite runs as. */
const UIDS: Record<string, number> = {
  root: 0,
  daemon: 1,
  bin: 2,
  sys: 3,
  sync: 4,
  games: 5,
  man: 6,
  lp: 7,
  mail: 8,
  news: 9,
  uucp: 10,
  proxy: 13,
  'www-data': 33,
  nobody: 65534,
  sshd: 101,
};

interface Process {
  name: string;
  exe?: string;
  args?: string;
  user?: string;
}

function processFields(chain: readonly Process[], container: unknown): Json {
  const fields: Json = {};
  const leaf = chain.at(-1) ?? { name: 'event-generator' };
  const exe = (p: Process): string => p.exe ?? p.name;
  const exepath = (p: Process): string => p.exe ?? `/usr/bin/${p.name}`;
  const cmdline = (p: Process): string => (p.args ? `${p.name} ${p.args}` : p.name);
  Object.assign(fields, {
    'proc.name': leaf.name,
    'proc.exe': exe(leaf),
    'proc.exepath': exepath(leaf),
    'proc.args': leaf.args ?? '',
    'proc.cmdline': cmdline(leaf),
    'proc.tty': 0,
    'user.name': leaf.user ?? 'root',
    'user.uid': UIDS[leaf.user ?? 'root'] ?? 1000,
    'user.loginuid': -1,
  });
  // Ancestors: the scenario's processes above the leaf, then the generator that started them.
  const ancestors = [...chain.slice(0, -1)].reverse();
  if (chain.length > 0) ancestors.push({ name: 'event-generator', exe: '/usr/bin/event-generator' });
  ancestors.forEach((p, i) => {
    fields[`proc.aname[${i + 1}]`] = p.name;
    fields[`proc.aexe[${i + 1}]`] = exe(p);
    fields[`proc.aexepath[${i + 1}]`] = exepath(p);
    fields[`proc.acmdline[${i + 1}]`] = cmdline(p);
  });
  const parent = ancestors[0];
  if (parent) {
    fields['proc.pname'] = parent.name;
    fields['proc.pexe'] = exe(parent);
    fields['proc.pexepath'] = exepath(parent);
    fields['proc.pcmdline'] = cmdline(parent);
  }
  if (container !== null && container !== undefined) {
    fields['container.id'] = '3ad7b26ded6d';
    fields['container.name'] = 'eg-container';
    fields['container.image.repository'] = 'docker.io/falcosecurity/event-generator';
  } else {
    fields['container.id'] = 'host';
    fields['container.name'] = 'host';
  }
  return fields;
}

function dirname(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

/** Resolves `.` and `..` as the kernel does when it returns the opened path. */
function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

function openFields(args: Json): Json {
  const how = (args.how ?? {}) as Json;
  const flags = textOf(args.flags ?? how.flags ?? 'O_RDONLY');
  const raw = String(args.pathname);
  const name = normalize(raw);
  const has = (flag: string): boolean => flags.split('|').includes(flag);
  return {
    'fd.name': name,
    'fd.nameraw': raw,
    'fd.directory': dirname(name),
    'fd.filename': name.slice(name.lastIndexOf('/') + 1),
    'fd.typechar': 'f',
    'fd.type': 'file',
    'fd.num': 3,
    'evt.rawres': 3,
    'evt.res': 'SUCCESS',
    'evt.arg.flags': flags,
    'evt.arg.name': name,
    'evt.is_open_read': has('O_RDONLY') || has('O_RDWR'),
    'evt.is_open_write': has('O_WRONLY') || has('O_RDWR'),
    'evt.is_open_exec': false,
  };
}

function socketFields(resource: Json): Json {
  const address = String(resource.address);
  const v6 = address.startsWith('[');
  const host = v6 ? address.slice(1, address.indexOf(']')) : address.slice(0, address.lastIndexOf(':'));
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  const proto = textOf(resource.l4Proto ?? 'tcp4').replace(/[46]$/, '');
  // The client end is loopback for a loopback server, else the host's own address (TEST-NET-1).
  const loopback = host === '::1' || host.startsWith('127.');
  const client = loopback ? host : v6 ? '2001:db8::10' : '192.0.2.10';
  return {
    'fd.typechar': v6 ? '6' : '4',
    'fd.type': v6 ? 'ipv6' : 'ipv4',
    'fd.l4proto': proto,
    'fd.sip': host,
    'fd.rip': host,
    'fd.sport': port,
    'fd.rport': port,
    'fd.cip': client,
    'fd.lip': client,
    'fd.cport': 40000,
    'fd.lport': 40000,
    'fd.name': `${client}:40000->${host}:${port}`,
    'fd.num': 3,
    'fd.connected': true,
  };
}

/** The events of one expanded case: the enter and exit of its system call, or the exec of its process. */
function eventsOf(test: Json, item: Json): Record<string, unknown>[] {
  const t = fill(test, item) as Json;
  const context = (t.context ?? {}) as Json;
  const processes = ((context.processes ?? []) as Json[]).map((p) => p as unknown as Process);
  const resources = (t.resources ?? []) as Json[];
  const fields = processFields(processes, context.container);
  const expected = ((t.expectedOutcome as Json | undefined)?.outputFields ?? {}) as Json;
  const socket = resources.find((r) => r.type === 'clientServer');
  const fileless = resources.find((r) => r.type === 'process' && r.fileLess === true);
  if (fileless) {
    fields['proc.name'] = String(fileless.name);
    fields['proc.exepath'] = `memfd:${String(fileless.name)}`;
  }
  const steps = ((t.steps ?? []) as Json[]).filter((s) => s.type === 'syscall');
  const step = steps.at(-1);
  let call: Json;
  if (!step) {
    call = { 'evt.type': 'execve', 'evt.rawres': 0, 'evt.res': 'SUCCESS' };
  } else {
    const syscall = String(step.syscall);
    const args = (step.args ?? {}) as Json;
    call = { 'evt.type': syscall, 'evt.rawres': 0, 'evt.res': 'SUCCESS' };
    if (/^(open|openat|openat2|creat)$/.test(syscall)) Object.assign(call, openFields(args));
    else if (/^link(at)?$/.test(syscall))
      Object.assign(call, { 'evt.arg.oldpath': args.oldPath, 'evt.arg.newpath': args.newPath });
    else if (/^symlink(at)?$/.test(syscall))
      Object.assign(call, { 'evt.arg.target': args.target, 'evt.arg.linkpath': args.linkPath });
    else if (syscall === 'socket')
      Object.assign(call, {
        'evt.arg.domain': args.domain,
        'evt.arg.type': args.type,
        'evt.arg.proto': args.protocol,
      });
    else if (/^dup[23]?$/.test(syscall)) {
      Object.assign(call, { 'evt.arg.newfd': args.newFd, 'evt.rawres': Number(args.newFd) });
      if (socket) Object.assign(call, socketFields(socket));
    } else for (const [key, value] of Object.entries(args)) call[`evt.arg.${key.toLowerCase()}`] = value;
  }
  if (!step && socket) Object.assign(call, { 'evt.type': 'connect' }, socketFields(socket));
  // A scenario that sleeps before its step states how long its process has run by then.
  const sleep = /\bsleep (\d+)\b/.exec(textOf(t.before ?? ''));
  if (sleep) fields['proc.duration'] = Number(sleep[1]) * 1e9;
  const exit: Json = { ...fields, ...call, 'evt.dir': '<', ...expected };
  // execve's exit carries the flags Falco derives the exe's properties from.
  const flags = textOf(exit['evt.arg.flags'] ?? '');
  if (exit['evt.type'] === 'execve' && flags) {
    exit['proc.is_exe_writable'] = flags.includes('EXE_WRITABLE');
    exit['proc.is_exe_from_memfd'] = flags.includes('EXE_FROM_MEMFD');
    exit['proc.is_exe_upper_layer'] = flags.includes('EXE_UPPER_LAYER');
  }
  const enter: Json = { ...exit, 'evt.dir': '>' };
  delete enter['evt.rawres'];
  delete enter['evt.res'];
  return [enter, exit];
}

/** Every case of every scenario of the suite, expanded. */
export function loadSuite(dir: string): ExpandedCase[] {
  const out: ExpandedCase[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    // Some scenarios write `runIf: %{ item.runIf }` unquoted, which YAML reads as a directive.
    const text = readFileSync(join(dir, file), 'utf8').replace(/: (%\{[^}]*\})\s*$/gm, ': "$1"');
    const parsed = parseYaml(text);
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error.message}`);
    const doc = parsed.documents[0]?.value as { tests?: Json[] };
    for (const test of doc.tests ?? []) {
      for (const item of expand(test.cases)) {
        out.push({
          file,
          test: String(test.name),
          rule: String(test.rule),
          priority: textOf((test.expectedOutcome as Json | undefined)?.priority ?? ''),
          item,
          events: eventsOf(test, item),
        });
      }
    }
  }
  return out;
}
