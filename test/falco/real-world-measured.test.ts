/**
 * The shapes the real-world measurement of docs/gitlab-cmp.md found (files of our own, written
 * the way the public repositories write them): an Argo CD Application carrying the chart's values
 * inline is linted in place, and the mistakes Falco refuses get a message that says what to do.
 */
import { RuleTester } from '../helpers/rule-tester.js';

const tester = new RuleTester();
const RULES = 'policies/falco/rules.yaml';

function rule(condition: string, output = '"x (proc=%proc.name)"'): string {
  return `- rule: R\n  desc: d\n  condition: ${condition}\n  output: ${output}\n  priority: WARNING\n`;
}

// An Argo CD Application installing the falco chart, its values inline as text.
const ARGO_VALUES = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: falco
spec:
  source:
    repoURL: https://falcosecurity.github.io/charts
    chart: falco
    helm:
      values: |
        driver:
          kind: modern_ebpf
        customRules:
          shells.yaml: |-
            - rule: Shell in a pod
              desc: a shell started in a pod
              condition: >
                evt.type = execve and
                proc.name in (bash, sh) and proc.pnme = node
              output: shell (pod=%k8s.pod.name)
              priority: WARNING
  destination:
    namespace: falco
`;

// The same values as a map, and a second source holding nothing of Falco's.
const ARGO_OBJECT = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: falco
spec:
  sources:
    - repoURL: https://example.com/values.git
      ref: values
    - chart: falco
      helm:
        valuesObject:
          customRules:
            net.yaml: |-
              - rule: Outbound
                desc: d
                condition: evt.type = connect and fd.sip in (10.0.0.0/8)
                output: out (ip=%fd.sip)
                priority: NOTICE
`;

tester.run('falco/unknown-field', {
  valid: [
    {
      name: "the fields of an Application's helm.valuesObject rules exist",
      files: [{ path: 'policies/falco/app.yaml', text: ARGO_OBJECT }],
    },
  ],
  invalid: [
    {
      name: "rules in an Argo CD Application's helm.values, at the Application's lines",
      files: [{ path: 'policies/falco/app.yaml', text: ARGO_VALUES }],
      errors: [
        {
          line: 19,
          column: 45,
          message: 'filter_check called with nonexistent field proc.pnme; did you mean "proc.pname"?',
        },
      ],
    },
  ],
});

tester.run('falco/invalid-condition', {
  valid: [
    {
      files: [{ path: RULES, text: rule('evt.type = connect and fd.snet in (10.0.0.0/8, 192.168.0.0/16)') }],
    },
  ],
  invalid: [
    {
      name: "networks compared with an address field, in an Application's helm.valuesObject",
      files: [{ path: 'policies/falco/app.yaml', text: ARGO_OBJECT }],
      errors: [
        {
          line: 16,
          column: 62,
          message:
            "filter error: could not parse '10.0.0.0/8' as an IP address: '10.0.0.0/8' is a network and fd.sip holds one address; compare with fd.snet, which takes networks and addresses (fd.snet in (...))",
        },
      ],
    },
    {
      name: 'a list of networks is one mistake, said once',
      files: [
        {
          path: RULES,
          text: `- list: private_networks\n  items: ['"10.0.0.0/8"', '"172.16.0.0/12"']\n${rule('evt.type = connect and not fd.cip in (private_networks)')}`,
        },
      ],
      errors: [
        {
          line: 5,
          column: 52,
          message:
            "filter error: could not parse '10.0.0.0/8' as an IP address: '10.0.0.0/8' is a network and fd.cip holds one address; compare with fd.cnet, which takes networks and addresses (fd.cnet in (...))",
        },
      ],
    },
  ],
});

tester.run('falco/condition-syntax', {
  valid: [],
  invalid: [
    {
      name: 'a value left out at the end of a folded condition',
      files: [
        {
          path: RULES,
          text: `- rule: R\n  desc: d\n  condition: >\n    evt.type = execve\n    and evt.dir = \n  output: x\n  priority: WARNING\n`,
        },
      ],
      errors: [
        {
          line: 5,
          column: 17,
          message:
            "expected a string value or a field with a valid transformer: 'val', 'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt': the value after '=' is missing (the condition ends there); write the value after '='",
        },
      ],
    },
    {
      name: 'a numeric comparison left without its number',
      files: [{ path: RULES, text: rule('"evt.type = read and evt.rawres >"') }],
      errors: [
        {
          line: 3,
          column: 46,
          message:
            "expected a number value or a field with a valid transformer: 'val', 'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt': the value after '>' is missing (the condition ends there); write the value after '>'",
        },
      ],
    },
    {
      name: 'a group never closed',
      files: [
        {
          path: RULES,
          text: `- rule: R\n  desc: d\n  condition: >\n    evt.type = execve and\n    (proc.cmdline contains "-rf /" or\n    proc.cmdline contains "of=/dev/sda" and\n    not proc.pname = bash\n  output: x\n  priority: WARNING\n`,
        },
      ],
      errors: [
        {
          line: 7,
          column: 26,
          message:
            "expected a ')' token: the '(' before 'proc.cmdline contains \"-rf /\" ...' is never closed; add ')' where that group ends",
        },
      ],
    },
    {
      name: 'a list that runs on into the condition',
      files: [
        {
          path: RULES,
          text: rule('evt.type = execve and proc.name in (package_mgmt_binaries and not proc.pname = sh'),
        },
      ],
      errors: [
        {
          line: 3,
          column: 72,
          message:
            "expected a ')' token: the list is not closed before 'and'; add ')' after 'package_mgmt_binaries'",
        },
      ],
    },
  ],
});

tester.run('falco/invalid-output', {
  valid: [],
  invalid: [
    {
      name: 'a group id asked of the user',
      files: [{ path: RULES, text: rule('evt.type = execve', '"x (uid=%user.uid gid=%user.gid)"') }],
      errors: [
        { line: 4, column: 34, message: 'invalid formatting token user.gid; did you mean "group.gid"?' },
      ],
    },
  ],
});

tester.run('falco/yaml-syntax', {
  valid: [],
  invalid: [
    {
      name: 'a Terraform template of chart values, not yet rendered',
      files: [
        {
          path: 'policies/falco/values.yaml',
          text: `customRules:\n  known.yaml: |-\n    - macro: known_images\n      condition: >\n  %{ if strict }\n        (container.image.repository = "registry.example.com/agent")\n  %{ endif }\n`,
        },
      ],
      errors: [
        {
          line: 5,
          column: 3,
          message:
            "bad indentation of a mapping entry: '%{ if strict }' is a template directive, not YAML; Falco reads the file the template renders, so lint that file (helm template, terraform's templatefile) or keep the rules in a rules file of their own",
        },
      ],
    },
  ],
});

tester.run('falco/deprecated-field', {
  valid: [],
  invalid: [
    {
      name: 'the enter-or-exit check written before Falco captured exit events only',
      files: [{ path: RULES, text: rule('evt.type = execve and evt.dir = < and proc.name = bash') }],
      errors: [
        {
          line: 3,
          column: 36,
          message:
            "usage of deprecated field 'evt.dir' has been detected in the rule condition: Falco 0.44 captures exit events only, so the check no longer tells events apart; remove it",
        },
      ],
    },
  ],
});

tester.run('falco/no-evttype', {
  valid: [
    {
      name: 'the alternatives grouped after the event type',
      files: [
        {
          path: RULES,
          text: rule(
            'evt.type = execve and (proc.cmdline endswith "-pool a" or proc.cmdline endswith "-pool b")',
          ),
        },
      ],
    },
  ],
  invalid: [
    {
      name: "the broad side of an 'or' inside a group",
      files: [
        {
          path: RULES,
          text: `- rule: R\n  desc: d\n  condition: >\n    (evt.type = execve and proc.name = shred) or\n    (evt.type = openat and fd.name endswith ".shred" or\n     fd.name endswith ".wipe")\n  output: x\n  priority: WARNING\n`,
        },
      ],
      errors: [
        {
          line: 6,
          column: 6,
          message:
            "Rule matches too many evt.type values. This has a significant performance penalty. 'fd.name endswith \".wipe\"' is one side of an 'or' ('and' binds tighter than 'or') and matches every event type: put the alternatives in parentheses after the evt.type check.",
        },
      ],
    },
    {
      name: "an 'or' that escapes the event type check",
      files: [
        {
          path: RULES,
          text: `- rule: R\n  desc: d\n  condition: >\n    evt.type = execve\n    and proc.cmdline endswith "-pool a"\n    or proc.cmdline endswith "-pool b"\n  output: x\n  priority: WARNING\n`,
        },
      ],
      errors: [
        {
          line: 6,
          column: 8,
          message:
            "Rule matches too many evt.type values. This has a significant performance penalty. 'proc.cmdline endswith \"-pool b\"' is one side of an 'or' ('and' binds tighter than 'or') and matches every event type: put the alternatives in parentheses after the evt.type check.",
        },
      ],
    },
    {
      name: 'no event type at all',
      files: [{ path: RULES, text: rule('container.id != host and proc.name = bash') }],
      errors: [
        {
          line: 1,
          column: 9,
          message:
            'Rule matches too many evt.type values. This has a significant performance penalty. Start the condition with an evt.type check (evt.type in (execve, execveat), or the official spawned_process macro), or set warn_evttypes: false if the rule must see every event.',
        },
      ],
    },
  ],
});

tester.run('falco/undefined-macro', {
  valid: [],
  invalid: [
    {
      name: 'a macro named after the one defined, not a typo of it',
      files: [
        {
          path: RULES,
          text: `- macro: backup_tools\n  condition: proc.name in (restic, borg)\n${rule('evt.type = execve and not backup_software')}`,
        },
      ],
      errors: [
        {
          line: 5,
          column: 40,
          message:
            "Undefined macro 'backup_software' used in filter. No file loaded defines it; the only macro named 'backup_...' is 'backup_tools': use that name, or define it (`- macro: backup_software`) before the rules that use it.",
        },
      ],
    },
  ],
});

tester.run('falco/unknown-source', {
  valid: [],
  invalid: [
    {
      name: 'audit-log rules beside syscall rules, the plugin not required',
      files: [
        {
          path: RULES,
          text: `- rule: Exec into pod\n  desc: d\n  condition: ka.verb = create and ka.target.subresource = exec\n  output: "exec (user=%ka.user.name)"\n  priority: NOTICE\n  source: k8s_audit\n`,
        },
      ],
      errors: [
        {
          line: 1,
          column: 9,
          message:
            'Unknown source k8s_audit, skipping: Falco loads k8s_audit rules only when a loaded rules file requires the k8saudit plugin (required_plugin_versions, as the official k8s_audit rules file does) and falco.yaml loads it; add the requirement, or load that official file under falco.baseline.',
        },
      ],
    },
  ],
});

tester.run('falco/unknown-key', {
  valid: [],
  invalid: [
    {
      name: 'a key of our own on a list',
      files: [
        {
          path: RULES,
          text: `- list: guarded_files\n  items: [/etc/shadow]\n  rulename: Read guarded files\n${rule('evt.type = openat and fd.name in (guarded_files)')}`,
        },
      ],
      errors: [
        {
          line: 3,
          column: 3,
          message:
            "Unknown key 'rulename'. The key will be ignored: a list takes list, items, append, override.",
        },
      ],
    },
  ],
});
