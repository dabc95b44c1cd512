// What `npm run fuzz` feeds each target: seeds to mutate, tokens to sprinkle, regression inputs
// (the hostile inputs of issue 17, scaled to run in seconds), and how one input is run.
import { Buffer } from 'node:buffer';
import { defaultConfig } from '../../dist/src/core/config.js';
import { emptyFacts } from '../../dist/src/core/language.js';
import { JsonItemStream, JsonStreamError, jsonItemsOf } from '../../dist/src/core/json-lines.js';
import { readScope } from '../../dist/src/core/reach.js';
import { readTextFile } from '../../dist/src/core/read.js';
import { SourceFile } from '../../dist/src/core/source.js';
import { parseYaml } from '../../dist/src/core/yaml.js';
import { parseSnapshot } from '../../dist/src/kube/snapshot.js';
import { languages } from '../../dist/src/languages/index.js';
import { parseEventLine } from '../../dist/src/languages/falco/evaluate/events.js';

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  "'",
  '\n',
  '  ',
  '- ',
  '&a ',
  '*a',
  '!!str ',
  '#',
  '\\',
  '\u0000',
  'é',
  '@{',
  '**',
  '->',
  'deny ',
  'profile ',
  '%',
  '---\n',
  'null',
  '1e999',
  '-',
  '|',
  '>',
];

async function lintAs(kind, text) {
  const language = languages.find((l) => l.kind === kind);
  const config = defaultConfig(process.cwd());
  const context = {
    config,
    cwd: process.cwd(),
    // What a file may include: the working directory only (a mutated include reads nothing else).
    scope: readScope(config, { trustConfig: false, env: {} }),
    includeDirs: [],
    readFile: readTextFile,
    report: () => undefined,
    facts: emptyFacts(),
  };
  const file = new SourceFile('fuzz', text);
  language.collectFacts?.([file], context);
  await language.lint([file], context);
}

const repeat = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('');
const doubling = (levels) =>
  `@{A0}=x\n${repeat(levels, (i) => `@{A${i + 1}}=@{A${i}}@{A${i}}\n`)}profile p /usr/bin/p {\n  /tmp/@{A${levels}} r,\n}\n`;
const aliasBomb = `a: &a [${Array(9).fill('"lol"').join(',')}]\n${repeat(
  9,
  (i) =>
    `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
      .fill(`*${String.fromCharCode(97 + i)}`)
      .join(',')}]\n`,
)}`;
const pod = (i) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `p${i}`, namespace: 'n' },
  spec: { containers: [{ name: 'c', securityContext: { privileged: i % 2 === 0 } }] },
});

export const TARGETS = {
  falco: {
    seeds: [
      '- required_engine_version: 0.26.0\n- list: shells\n  items: [bash, sh]\n- macro: spawned\n  condition: evt.type = execve and proc.name in (shells)\n- rule: Shell\n  desc: a shell\n  condition: spawned and container.id != host\n  output: shell %proc.name\n  priority: WARNING\n  tags: [shell]\n',
      '- macro: m\n  condition: fd.name startswith /etc and not (proc.pname exists)\n- rule: r\n  desc: d\n  condition: m or evt.arg.flags contains O_WRONLY\n  output: "%fd.name"\n  priority: ERROR\n  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[x]]\n',
    ],
    regressions: {
      '30,000 lists, no alias': repeat(30_000, (i) => `- list: l${i}\n  items: [a, b]\n`),
      'alias bomb': aliasBomb,
    },
    run: (text) => lintAs('falco', text),
  },
  apparmor: {
    seeds: [
      'include <tunables/global>\nprofile web /usr/sbin/nginx flags=(complain) {\n  /etc/nginx/** r,\n  deny /etc/shadow rw,\n  /usr/bin/tool Cx -> helper,\n  network inet stream,\n  capability net_bind_service,\n  profile helper {\n    /tmp/** rw,\n  }\n}\n',
      '@{HOME} = /home/*/ /root/\n$B = true\n/usr/bin/x {\n  @{HOME}.x rw,\n  if $B {\n    owner /tmp/{a,b}/[^0-9]** rw,\n  }\n}\n',
    ],
    regressions: {
      'variables doubling 40 times': doubling(40),
      '10,000 rules in one profile': `profile big {\n${repeat(10_000, (i) => (i % 3 === 0 ? `  deny /srv/s${i} w,\n` : `  /srv/a/f${i} r,\n`))}}\n`,
    },
    run: (text) => lintAs('apparmor', text),
  },
  seccomp: {
    seeds: [
      '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["read","write","exit_group"],"action":"SCMP_ACT_ALLOW"},{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]}]}',
    ],
    regressions: {
      '50,000 names': JSON.stringify({
        defaultAction: 'SCMP_ACT_ERRNO',
        syscalls: [{ names: Array.from({ length: 50_000 }, (_, i) => `n${i}`), action: 'SCMP_ACT_ALLOW' }],
      }),
    },
    run: (text) => lintAs('seccomp', text),
  },
  'pod-security': {
    seeds: [
      'apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: web\nspec:\n  level: baseline\n  namespaces: [shop]\n  controls:\n    runAsNonRoot: true\n    capabilities: {dropAll: true, allowed: [NET_BIND_SERVICE]}\n',
    ],
    regressions: {
      // ajv compared every pair of a list whose item type is a $ref (uniqueItems): 13 s.
      '100,000 capabilities, some twice': `apiVersion: container-host-security/v1\nkind: PodSecurity\nmetadata:\n  name: web\nspec:\n  level: baseline\n  controls:\n    capabilities:\n      allowed: [${Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? i : `C${i % 500}`)).join(', ')}]\n`,
    },
    run: (text) => lintAs('pod-security', text),
  },
  yaml: {
    seeds: ['a: 1\nb: [x, "y", {c: d}]\n---\n- &k v\n- *k\n- !!str 3\n'],
    regressions: {
      'alias bomb': aliasBomb,
      '10,000 levels of nesting': `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      '1.1 million nodes, no alias': repeat(220_000, (i) => `- list: l${i}\n  items: [a, b]\n`),
    },
    run: (text) => parseYaml(text),
  },
  snapshot: {
    seeds: [
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod(0), pod(1)] }, null, 4),
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n',
    ],
    regressions: {
      '20,000 pods': JSON.stringify(
        { apiVersion: 'v1', kind: 'List', items: Array.from({ length: 20_000 }, (_, i) => pod(i)) },
        null,
        4,
      ),
      'JSON nested 100,000 levels': `{"kind":"List","items":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`,
      'an items key spelt with an escape':
        '{"kind":"List","ite\\u006ds":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}]}',
      'two items keys':
        '{"kind":"List","items":[],"items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}]}',
      'a List cut short inside a string': `{"kind":"List","items":[{"a":"${'é'.repeat(1000)}`.slice(0, -1),
    },
    run: (text) => {
      parseSnapshot('fuzz', text);
      // In chunks, the same items and the same error as in one piece.
      const bytes = Buffer.from(text);
      const outcome = (size) => {
        let items = 0;
        const stream = new JsonItemStream(() => items++);
        try {
          for (let at = 0; at < bytes.length; at += size) stream.push(bytes.subarray(at, at + size));
          stream.end();
          return `${items} items`;
        } catch (error) {
          if (!(error instanceof JsonStreamError)) throw error;
          return `${error.offset} ${error.line}:${error.column} ${error.message}`;
        }
      };
      const whole = outcome(bytes.length || 1);
      const chunked = outcome(4093);
      if (whole !== chunked) throw new Error(`streamed in chunks: ${chunked}; whole: ${whole}`);
      // The streamed parse refuses what JSON.parse refuses (but for its depth and "items" limits).
      let refused;
      try {
        jsonItemsOf(Buffer.from(text));
      } catch (error) {
        if (!(error instanceof JsonStreamError)) throw error;
        refused = error;
      }
      let valid = true;
      try {
        JSON.parse(text.replace(/^\ufeff/, ''));
      } catch {
        valid = false;
      }
      if (valid && refused && !/levels of nesting|second "items"/.test(refused.message))
        throw new Error(`the streamed JSON parse refuses valid JSON: ${refused.message}`);
      if (!valid && !refused) throw new Error('the streamed JSON parse accepts what JSON.parse refuses');
    },
  },
  events: {
    seeds: [
      '{"time":"2026-01-01T00:00:00Z","source":"syscall","output_fields":{"proc.name":"sh","evt.type":"execve","fd.name":"/etc/shadow"}}',
    ],
    regressions: { 'a 4 MiB line': `{"output_fields":{"x":"${'a'.repeat(4 << 20)}"}}` },
    run: (text) => {
      for (const [i, l] of text.split('\n').entries()) parseEventLine(l, i + 1);
    },
  },
};

export { TOKENS };
