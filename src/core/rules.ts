/** Rules of the runner itself: files it cannot read, suppressions, the configuration. */
import { defineRule } from './rule.js';

/** A Falco rules file the examples below lint beside chs.yaml. */
const SHELL_RULE = `- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`;

export const fileUnreadable = defineRule({
  meta: {
    id: 'chs/unreadable-file',
    severity: 'error',
    type: 'problem',
    description:
      'A policy file that cannot be read: missing, too large, binary, not UTF-8, or not permitted.',
    remediation:
      'Make the file readable UTF-8 text under 8 MiB, correct the path or glob that names it, or move it out of the policy paths.',
    docs: {
      rationale:
        'chs reads every policy file as UTF-8 text of at most 8 MiB. Fix the file or move it out of the policy paths.',
      bad: [
        {
          path: 'chs.yaml',
          text: `version: 1
falco:
  baseline: [falco-baseline/macros.yaml]
`,
        },
        { path: 'policies/falco/rules.yaml', text: SHELL_RULE },
      ],
      good: [
        {
          path: 'chs.yaml',
          text: `version: 1
falco:
  baseline: [falco-baseline/macros.yaml]
`,
        },
        { path: 'policies/falco/rules.yaml', text: SHELL_RULE },
        {
          path: 'falco-baseline/macros.yaml',
          text: `- macro: spawned_process
  condition: evt.type in (execve, execveat)
`,
        },
      ],
    },
  },
  messages: { unreadable: '{{reason}}' },
});

export const outsideRepository = defineRule({
  meta: {
    id: 'chs/outside-repository',
    severity: 'error',
    type: 'problem',
    description:
      'A path in a policy or in chs.yaml (an include, an abi, a baseline, a glob, a profile named by a test) that leads outside the repository.',
    remediation:
      'Copy the file into the repository, or name its directory with `--include-dir` in the job definition (the target branch decides, not the merge request).',
    docs: {
      rationale:
        "A merge request's files are read in a job that holds tokens, and what chs finds is posted where everyone reads it: chs never opens, lists or quotes a file outside the repository. Allowed are the repository (symbolic links count where they lead; `.git` is not part of it), the include roots named by the target branch's chs.yaml and by `--include-dir`, and the system AppArmor root (`/etc/apparmor.d`). See SECURITY.md.",
      bad: [
        {
          path: 'chs.yaml',
          text: `version: 1
falco:
  baseline: [../platform/falco_rules.yaml]
`,
        },
        { path: 'policies/falco/rules.yaml', text: SHELL_RULE },
      ],
      good: [
        {
          path: 'chs.yaml',
          text: `version: 1
falco:
  baseline: [falco-baseline/macros.yaml]
`,
        },
        { path: 'policies/falco/rules.yaml', text: SHELL_RULE },
        {
          path: 'falco-baseline/macros.yaml',
          text: `- macro: spawned_process
  condition: evt.type in (execve, execveat)
`,
        },
      ],
    },
  },
  messages: {
    outside: '{{what}} is {{reason}}',
  },
});

export const unknownKind = defineRule({
  meta: {
    id: 'chs/unknown-kind',
    severity: 'warning',
    type: 'problem',
    description: 'A file given on the command line whose policy kind cannot be told.',
    remediation:
      "Move the file under its kind's folder (`policies/falco/`, `policies/apparmor/`, ...), add its path to `chs.yaml` `paths`, or name its kind: `chs lint --kind falco FILE`.",
    docs: {
      rationale:
        'Files in the conventional layout (policies/falco, policies/apparmor, ...) or chs.yaml paths have a kind. For others, chs looks at the content; when that fails, name the kind with --kind.',
      bad: [
        {
          path: 'notes/shell.yaml',
          text: `# rules we may add later
shell: bash
`,
          named: true,
        },
      ],
      good: [{ path: 'policies/falco/shell.yaml', text: SHELL_RULE, named: true }],
    },
  },
  messages: {
    unknown: 'cannot tell what kind of policy this is; pass --kind falco|apparmor|seccomp|pod-security',
  },
});

export const unusedSuppression = defineRule({
  meta: {
    id: 'chs/unused-suppression',
    severity: 'warning',
    type: 'suggestion',
    description: 'A chs-disable-next-line comment that suppresses nothing.',
    remediation: 'Remove the comment, or name the rule it was meant for.',
    docs: {
      rationale:
        'A suppression that no longer matches a finding hides nothing today but would hide a future finding: remove it.',
      bad: [
        {
          path: 'policies/falco/rules.yaml',
          text: `# chs-disable-next-line falco/unused-macro
- rule: Shell in container
  desc: a shell started in a container
  condition: evt.type = execve and proc.name = bash
  output: "shell in a container (command=%proc.cmdline user=%user.name)"
  priority: WARNING
`,
        },
      ],
      good: [{ path: 'policies/falco/rules.yaml', text: SHELL_RULE }],
    },
  },
  messages: {
    unused: 'chs-disable-next-line suppresses nothing{{which}}; remove it',
  },
});

export const unknownRule = defineRule({
  meta: {
    id: 'chs/unknown-rule',
    severity: 'warning',
    type: 'problem',
    description: 'A rule id in chs.yaml or a suppression comment that no rule has.',
    remediation: 'Correct the rule id (`chs rules` lists them all) or remove the entry.',
    docs: {
      rationale: 'Rule ids are namespaced (`falco/unused-macro`). `chs rules` lists them all.',
      bad: [
        {
          path: 'chs.yaml',
          text: `version: 1
rules:
  falco/unused-macros: off
`,
        },
        { path: 'policies/falco/rules.yaml', text: SHELL_RULE },
      ],
      good: [
        {
          path: 'chs.yaml',
          text: `version: 1
rules:
  falco/unused-macro: off
`,
        },
        { path: 'policies/falco/rules.yaml', text: SHELL_RULE },
      ],
    },
  },
  messages: { unknown: 'unknown rule "{{id}}"{{hint}}' },
});

const configError = defineRule({
  meta: {
    id: 'chs/config',
    severity: 'error',
    type: 'problem',
    description: 'chs.yaml does not match its schema (schemas/chs.schema.json).',
    remediation:
      'Correct the value the message names; `schemas/chs.schema.json` lists every key and value (point your editor at it for completion).',
    docs: {
      rationale:
        'The configuration is validated against schemas/chs.schema.json; point your editor at it for completion.',
      bad: [
        {
          path: 'chs.yaml',
          text: `version: 1
mode: enforce
`,
        },
        { path: 'policies/falco/rules.yaml', text: SHELL_RULE },
      ],
      good: [
        {
          path: 'chs.yaml',
          text: `version: 1
mode: block
`,
        },
        { path: 'policies/falco/rules.yaml', text: SHELL_RULE },
      ],
    },
  },
  messages: { invalid: '{{message}}' },
});

export const coreRules = [
  configError,
  fileUnreadable,
  outsideRepository,
  unknownKind,
  unknownRule,
  unusedSuppression,
];
