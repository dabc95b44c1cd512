import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/core/source.js';
import { loadRules } from '../../src/languages/falco/loader/index.js';
import type { LoadOptions } from '../../src/languages/falco/loader/index.js';
import { falcoRulesById } from '../../src/languages/falco/rules/index.js';

const BASE = `- macro: spawned_process
  condition: evt.type in (execve, execveat)
- macro: container
  condition: container.id != host
- list: shell_binaries
  items: [bash, sh]
`;

interface Found {
  ruleId: string;
  code: string | undefined;
  line: number;
  column: number;
  text: string;
  message: string;
}

function lintText(text: string, options: LoadOptions = {}): Found[] {
  const base = { path: 'base.yaml', text: BASE, baseline: true };
  const result = loadRules([base, { path: 'r.yaml', text, baseline: false }], options);
  const file = new SourceFile('r.yaml', text);
  return result.messages
    .filter((m) => !m.baseline)
    .map((m) => {
      const start = m.range?.start ?? 0;
      const { line, column } = file.position(start);
      return {
        ruleId: m.ruleId,
        code: falcoRulesById.get(m.ruleId)?.meta.falcoCode,
        line,
        column,
        text: text.slice(start, m.range?.end ?? start),
        message: m.message,
      };
    });
}

const rule = (condition: string, extra = ''): string =>
  `- rule: R\n  desc: d\n  condition: ${condition}\n  output: "o %proc.name"\n  priority: WARNING\n${extra}`;

interface Case {
  name: string;
  yaml: string;
  ruleId: string;
  /** The text the finding must cover, and which occurrence of it in the YAML (default the first). */
  token: string;
  nth?: number;
  message?: string | RegExp;
  options?: LoadOptions;
}

/** 1-based line and column of an occurrence of a token in the text. */
function positionOf(yaml: string, token: string, nth?: number): { line: number; column: number } {
  const offsets: number[] = [];
  for (let i = yaml.indexOf(token); i !== -1; i = yaml.indexOf(token, i + 1)) offsets.push(i);
  const at = offsets[nth ?? 0];
  if (at === undefined) throw new Error(`no ${token} in ${yaml}`);
  return new SourceFile('x', yaml).position(at);
}

const invalid: Case[] = [
  {
    name: 'condition syntax error at the token',
    yaml: rule('spawned_process and and proc.name = x'),
    token: 'proc.name',
    ruleId: 'falco/condition-syntax',
    message: "unexpected token after 'and', expecting 'or', 'and'",
  },
  {
    name: 'unknown field in a folded block scalar',
    yaml: '- rule: R\n  desc: d\n  condition: >\n    spawned_process and\n    proc.nmae = bash\n  output: o\n  priority: INFO\n',
    token: 'proc.nmae',
    ruleId: 'falco/unknown-field',
    message: 'filter_check called with nonexistent field proc.nmae; did you mean "proc.name"?',
  },
  {
    name: 'unknown field with an argument: the argument kept in the suggestion',
    yaml: rule('spawned_process and k8s.pod.lable[app] = web'),
    token: 'k8s.pod.lable[app]',
    ruleId: 'falco/unknown-field',
    message:
      'filter_check called with nonexistent field k8s.pod.lable[app]; did you mean "k8s.pod.label[app]"?',
  },
  {
    name: 'unknown field with nothing close: no guess',
    yaml: rule('spawned_process and zzz.qqq = 1'),
    token: 'zzz.qqq',
    ruleId: 'falco/unknown-field',
    message: 'filter_check called with nonexistent field zzz.qqq',
  },
  {
    name: 'output field misspelt',
    yaml: rule('spawned_process').replace('"o %proc.name"', '"o %proc.cmdlin"'),
    token: 'proc.cmdlin',
    ruleId: 'falco/invalid-output',
    message: 'invalid formatting token proc.cmdlin; did you mean "proc.cmdline"?',
  },
  {
    name: 'a list compared with =: in (list) at the word written',
    yaml: rule('spawned_process and proc.name = shell_binaries'),
    token: 'shell_binaries',
    ruleId: 'falco/condition-syntax',
    message:
      "'shell_binaries' is a list: write 'proc.name in (shell_binaries)' to compare proc.name with its items (after '=' Falco pastes the items in and the condition does not parse)",
  },
  {
    name: 'a list compared with != in a folded condition',
    yaml: '- rule: R\n  desc: d\n  condition: >\n    spawned_process\n    and proc.pname != shell_binaries\n  output: o\n  priority: INFO\n',
    token: 'shell_binaries',
    ruleId: 'falco/condition-syntax',
    message:
      "'shell_binaries' is a list: write 'not proc.pname in (shell_binaries)' to compare proc.pname with its items (after '!=' Falco pastes the items in and the condition does not parse)",
  },
  {
    name: 'a priority cut short',
    yaml: rule('spawned_process').replace('WARNING', 'WARN'),
    token: 'WARN',
    ruleId: 'falco/invalid-item',
    message:
      'Invalid priority "WARN"; did you mean "WARNING"? (priorities: EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL (or INFO), DEBUG)',
  },
  {
    name: 'a priority misspelt, in the case it was written',
    yaml: rule('spawned_process').replace('WARNING', 'Critcal'),
    token: 'Critcal',
    ruleId: 'falco/invalid-item',
    message:
      'Invalid priority "Critcal"; did you mean "Critical"? (priorities: Emergency, Alert, Critical, Error, Warning, Notice, Informational (or Info), Debug)',
  },
  {
    name: 'unknown field in a double-quoted condition after an escape',
    yaml: '- rule: R\n  desc: d\n  condition: "spawned_process and proc.cmdline contains \\"x\\" and fd.nmae = a"\n  output: o\n  priority: INFO\n',
    token: 'fd.nmae',
    ruleId: 'falco/unknown-field',
  },
  {
    name: 'operator that does not suit the type',
    yaml: rule('spawned_process and proc.pid contains 3'),
    token: 'proc.pid contains 3',
    ruleId: 'falco/invalid-condition',
    message: "filter error: 'contains' operator not supported for numeric filters",
  },
  {
    name: 'bcontains with a value that is not hex',
    yaml: rule('spawned_process and evt.buffer bcontains xyz'),
    token: 'xyz',
    ruleId: 'falco/invalid-condition',
  },
  {
    name: 'unknown output field',
    yaml: rule('spawned_process').replace('%proc.name', '%proc.nmae'),
    token: 'proc.nmae',
    ruleId: 'falco/invalid-output',
    message: 'invalid formatting token proc.nmae; did you mean "proc.name"?',
  },
  {
    name: 'undefined macro, with the baseline hint',
    yaml: rule('spawned_process and open_write'),
    token: 'open_write',
    ruleId: 'falco/undefined-macro',
    message:
      "Undefined macro 'open_write' used in filter. It is defined in the official falco_rules.yaml: name that file under falco.baseline in chs.yaml so that it loads first.",
    options: { noBaseline: true },
  },
  {
    name: 'regex RE2 rejects',
    yaml: rule('spawned_process and proc.cmdline regex "(?=x)y"'),
    token: '"(?=x)y"',
    ruleId: 'falco/invalid-regex',
    message: /lookaround/,
  },
  {
    name: 'unknown event type',
    yaml: rule('evt.type = exceve'),
    token: 'exceve',
    ruleId: 'falco/unknown-field',
    message: 'unknown event type exceve',
  },
  {
    name: 'missing key',
    yaml: '- rule: R\n  desc: d\n  condition: spawned_process\n  priority: INFO\n',
    token: 'R',
    ruleId: 'falco/invalid-item',
    message: "Item has no mapping for key 'output'",
  },
  {
    name: 'invalid priority',
    yaml: rule('spawned_process').replace('WARNING', 'LOUD'),
    token: 'LOUD',
    ruleId: 'falco/invalid-item',
    message:
      'Invalid priority "LOUD" (priorities: EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL (or INFO), DEBUG)',
  },
];

const warnings: Case[] = [
  {
    name: 'a bare word that looks like an undefined list',
    yaml: rule('spawned_process and proc.name in (shell_binaries, shel_binaries)'),
    token: 'shel_binaries',
    ruleId: 'falco/undefined-list-name',
  },
  {
    name: 'a glob written as if * stopped at /',
    yaml: rule('spawned_process and fd.name glob /home/*/.ssh/*'),
    token: '/home/*/.ssh/*',
    ruleId: 'falco/glob-slash',
  },
  {
    name: 'a field written as a string value',
    yaml: rule('spawned_process and proc.name = proc.pname'),
    token: 'proc.pname',
    ruleId: 'falco/condition-warning',
    message: "'proc.pname' may be a valid field misused as a const string value",
  },
  {
    name: 'no event type restriction',
    yaml: rule('proc.name = bash'),
    token: 'R',
    ruleId: 'falco/no-evttype',
  },
  {
    name: 'warn_evttypes: false hiding an unconstrained rule',
    yaml: rule('proc.name = bash', '  warn_evttypes: false\n'),
    token: 'R',
    ruleId: 'falco/unconstrained-evttype',
  },
  {
    name: 'contradicting event types',
    yaml: rule('evt.type = open and evt.type = close'),
    token: 'R',
    ruleId: 'falco/never-matches',
    message: /evt.type cannot equal both 'open' and 'close'/,
  },
  {
    name: 'a field equal to two values',
    yaml: rule('spawned_process and proc.name = a and proc.name = b'),
    token: 'R',
    ruleId: 'falco/never-matches',
    message: /proc.name cannot equal both 'a' and 'b'/,
  },
  {
    name: 'deprecated field',
    yaml: rule('spawned_process and evt.dir = <'),
    token: 'evt.dir',
    ruleId: 'falco/deprecated-field',
  },
  {
    name: 'unknown key',
    yaml: rule('spawned_process', '  prority: INFO\n'),
    token: 'prority',
    ruleId: 'falco/unknown-key',
    message: "Unknown key 'prority'. The key will be ignored: did you mean 'priority'?",
  },
  {
    name: 'unused list',
    yaml: '- list: l\n  items: [a]\n',
    token: 'l',
    nth: 1,
    ruleId: 'falco/unused-list',
  },
  {
    name: 'a rule pre-empted by an earlier, wider rule',
    yaml:
      rule('spawned_process and proc.name = bash') +
      rule('spawned_process and proc.name = bash and container').replace('rule: R', 'rule: R2'),
    token: 'R2',
    ruleId: 'falco/shadowed-rule',
    message: /'R2' can never fire .* earlier rule 'R'/,
  },
  {
    name: 'an output field of a plugin source Falco skips',
    yaml: '- rule: A\n  desc: d\n  condition: ka.verb = get\n  output: "%ka.verbb"\n  priority: INFO\n  source: k8s_audit\n',
    token: 'ka.verbb',
    ruleId: 'falco/unknown-output-field',
  },
];

describe('Falco checks report at the exact token', () => {
  it.each([...invalid, ...warnings].map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const found = lintText(c.yaml, c.options).filter((f) => f.ruleId === c.ruleId);
    expect(found, JSON.stringify(lintText(c.yaml, c.options), null, 1)).toHaveLength(1);
    const [f] = found as [Found];
    expect(f.text).toBe(c.token);
    expect({ line: f.line, column: f.column }).toEqual(positionOf(c.yaml, c.token, c.nth));
    if (typeof c.message === 'string') expect(f.message).toBe(c.message);
    else if (c.message) expect(f.message).toMatch(c.message);
  });

  it('reports nothing for a correct rule', () => {
    expect(lintText(rule('spawned_process and container and proc.name in (shell_binaries)'))).toEqual([]);
  });

  it('does not report the shadowed rule under rule_matching: all', () => {
    const yaml =
      rule('spawned_process') + rule('spawned_process and container').replace('rule: R', 'rule: R2');
    expect(lintText(yaml, { ruleMatching: 'all' }).map((f) => f.ruleId)).not.toContain('falco/shadowed-rule');
  });

  it('keeps going after a bad item: the next items are still checked', () => {
    const yaml =
      '- rule: A\n  desc: d\n' + rule('spawned_process and proc.nmae = x').replace('rule: R', 'rule: B');
    expect(lintText(yaml).map((f) => f.ruleId)).toEqual(['falco/invalid-item', 'falco/unknown-field']);
  });
});
