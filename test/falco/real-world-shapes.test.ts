/**
 * Findings on rules written the way public repositories write them (files of our own in the same
 * shapes): what Falco accepts is not an error, and each message says what to do. Issue #21's
 * real-world findings and the undefined-name messages of #16 (item 8).
 */
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();
const RULES = 'policies/falco/rules.yaml';
const BASELINE = 'falco-baseline/base.yaml';
const CHS_WITH_BASELINE = { path: 'chs.yaml', text: `version: 1\nfalco:\n  baseline: [${BASELINE}]\n` };

function rule(condition: string, output = '"x (proc=%proc.name)"', name = 'R'): string {
  return `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: WARNING\n`;
}

// A flow sequence broken across lines, the continuation less indented than its key.
const BROKEN_FLOW = `- list: sensitive_reads
  items: [/proc/filesystems, /
  usr/bin/systemctl]
${rule('evt.type = openat and fd.name in (sensitive_reads)')}`;

tester.run('falco/yaml-syntax', {
  valid: [
    {
      name: 'a flow sequence continued with less indentation loads',
      files: [{ path: RULES, text: BROKEN_FLOW }],
    },
  ],
  invalid: [],
});

tester.run('falco/flow-indentation', {
  valid: [
    {
      name: 'continued under its key',
      files: [
        { path: RULES, text: BROKEN_FLOW.replace('/\n  usr/bin/systemctl]', '\n    /usr/bin/systemctl]') },
      ],
    },
  ],
  invalid: [
    {
      name: 'the value Falco reads is named',
      files: [{ path: RULES, text: BROKEN_FLOW }],
      errors: [
        {
          line: 3,
          column: 3,
          message:
            "this line continues the line above with less indentation than its key: Falco's YAML reader accepts it and folds the line break into one blank, so the value is '/ usr/bin/systemctl'; other YAML tools refuse the file. Indent the line under its key and write the value on one line",
        },
      ],
    },
    {
      name: 'between items',
      files: [
        {
          path: RULES,
          text: `- list: l\n  items: [a,\n  b]\n${rule('proc.name in (l) and evt.type = execve')}`,
        },
      ],
      errors: [
        {
          line: 3,
          column: 3,
          message:
            "this line continues the line above with less indentation than its key: Falco's YAML reader accepts it; other YAML tools refuse the file. Indent the line under its key",
        },
      ],
    },
  ],
});

tester.run('falco/output-field-run-on', {
  valid: [
    {
      files: [
        { path: RULES, text: rule('evt.type = execve', '"x user=%user.name container=%container.id"') },
      ],
    },
  ],
  invalid: [
    {
      files: [
        { path: RULES, text: rule('evt.type = execve', '"x user=%user.namecontainerid=%container.id"') },
      ],
      errors: [
        {
          line: 4,
          column: 20,
          message:
            "Falco reads %user.namecontainerid as the field user.name followed by the text 'containerid': put a blank or punctuation after %user.name, or correct the field name",
        },
      ],
    },
  ],
});

tester.run('falco/invalid-output', {
  valid: [
    {
      name: 'a run-on token is not an error',
      files: [{ path: RULES, text: rule('evt.type = execve', '"%proc.namex"') }],
    },
  ],
  invalid: [
    {
      name: 'no field starts the token',
      files: [{ path: RULES, text: rule('evt.type = execve', '"%prc.name"') }],
      errors: [
        { line: 4, column: 13, message: 'invalid formatting token prc.name; did you mean "proc.name"?' },
      ],
    },
  ],
});

tester.run('falco/condition-syntax', {
  valid: [],
  invalid: [
    {
      name: 'a missing comma in a list',
      files: [
        {
          path: RULES,
          text: rule('evt.type = execve and proc.name in (apt-key dpkg-preconfigure, debconf)'),
        },
      ],
      errors: [
        {
          line: 3,
          column: 58,
          message:
            "expected a ')' token: a comma is missing between 'apt-key' and 'dpkg-preconfigure' (list items are separated by commas)",
        },
      ],
    },
    {
      name: 'a value left out before a line break',
      files: [
        {
          path: RULES,
          text: `- rule: R\n  desc: d\n  condition: evt.type = openat and evt.dir =\n    and fd.name = /etc/passwd\n  output: x\n  priority: WARNING\n`,
        },
      ],
      errors: [
        {
          line: 3,
          column: 44,
          message:
            "unexpected token after 'and', expecting 'or', 'and': the value after '=' is missing (Falco reads 'and' as the value); write the value after '='",
        },
      ],
    },
  ],
});

tester.run('falco/invalid-condition', {
  valid: [
    {
      files: [
        {
          path: RULES,
          text: `- list: trusted_ips\n  items: [10.0.0.1]\n${rule('evt.type = connect and fd.sip in (trusted_ips)')}`,
        },
      ],
    },
  ],
  invalid: [
    {
      name: 'an undefined list with an IP field, close to a defined one',
      files: [
        {
          path: RULES,
          text: `- list: trusted_ipss\n  items: [10.0.0.1]\n${rule('evt.type = connect and fd.sip in (trusted_ips, trusted_ipss)')}`,
        },
      ],
      errors: [
        {
          line: 5,
          column: 48,
          message:
            "'trusted_ips' is not a list defined before this rule, so Falco reads it as a value: filter error: could not parse 'trusted_ips' as an IP address. Did you mean the list 'trusted_ipss'?",
        },
      ],
    },
  ],
});

const USES = (macros: string): string => rule(`evt.type = execve and ${macros}`);

tester.run('falco/undefined-macro', {
  valid: [],
  invalid: [
    {
      name: 'a typo of a macro of the repository is not sent to the official rules',
      files: [{ path: RULES, text: `- macro: in_shop\n  condition: k8s.ns.name = shop\n${USES('in_shp')}` }],
      errors: [
        {
          line: 5,
          column: 36,
          message: "Undefined macro 'in_shp' used in filter. Did you mean the macro 'in_shop'?",
        },
      ],
    },
    {
      name: 'a macro that left falco_rules.yaml for the incubating and sandbox files, with a baseline loaded',
      files: [
        CHS_WITH_BASELINE,
        { path: BASELINE, text: '- macro: spawned_process\n  condition: evt.type = execve\n' },
        { path: RULES, text: USES('spawned_process and write_etc_common and modify') },
      ],
      errors: [
        {
          line: 3,
          column: 56,
          message:
            "Undefined macro 'write_etc_common' used in filter. It is defined in the official falco-sandbox_rules.yaml, not in falco_rules.yaml: load that file after falco_rules.yaml under falco.baseline in chs.yaml, or copy the macro into your rules.",
        },
        {
          line: 3,
          column: 77,
          message:
            "Undefined macro 'modify' used in filter. It is defined in the official falco-incubating_rules.yaml and falco-sandbox_rules.yaml, not in falco_rules.yaml: load one of them after falco_rules.yaml under falco.baseline in chs.yaml, or copy the macro into your rules.",
        },
      ],
    },
    {
      name: 'an official macro without a baseline, and a macro defined further on',
      files: [
        {
          path: RULES,
          text: `- macro: shop\n  condition: later_one\n${USES('container and shop')}- macro: later_one\n  condition: proc.name = x\n`,
        },
      ],
      errors: [
        {
          line: 2,
          column: 14,
          message:
            "Undefined macro 'later_one' used in filter. It is defined further on (policies/falco/rules.yaml): Falco sees a macro only from its definition onwards, so move the definition above this macro.",
        },
        {
          line: 5,
          column: 36,
          message:
            "Undefined macro 'container' used in filter. It is defined in the official falco_rules.yaml: name that file under falco.baseline in chs.yaml so that it loads first.",
        },
      ],
    },
  ],
});

tester.run('falco/unused-list', {
  valid: [
    {
      name: 'a list named only by a rule dropped for another error',
      files: [
        {
          path: RULES,
          text: `- list: only_here\n  items: [a]\n${rule('proc.name in (only_here)').replace('WARNING', 'SEVERE')}`,
        },
      ],
    },
  ],
  invalid: [
    {
      files: [{ path: RULES, text: `- list: nobody\n  items: [a]\n${rule('evt.type = execve')}` }],
      errors: [{ line: 1, column: 9, message: 'List not referred to by any other rule/macro' }],
    },
  ],
});
