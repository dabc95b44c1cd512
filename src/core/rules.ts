/** Rules of the runner itself: files it cannot read, suppressions, the configuration. */
import { defineRule } from './rule.js';

export const fileUnreadable = defineRule({
  meta: {
    id: 'chs/unreadable-file',
    severity: 'error',
    type: 'problem',
    description:
      'A policy file that cannot be read: missing, too large, binary, not UTF-8, or not permitted.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'chs reads every policy file as UTF-8 text of at most 8 MiB. Fix the file or move it out of the policy paths.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: { unreadable: '{{reason}}' },
});

export const unknownKind = defineRule({
  meta: {
    id: 'chs/unknown-kind',
    severity: 'warning',
    type: 'problem',
    description: 'A file given on the command line whose policy kind cannot be told.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'Files in the conventional layout (policies/falco, policies/apparmor, ...) or chs.yaml paths have a kind. For others, chs looks at the content; when that fails, name the kind with --kind.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
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
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'A suppression that no longer matches a finding hides nothing today but would hide a future finding: remove it.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
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
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale: 'Rule ids are namespaced (`falco/unused-macro`). `chs rules` lists them all.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: { unknown: 'unknown rule "{{id}}"{{hint}}' },
});

export const configError = defineRule({
  meta: {
    id: 'chs/config',
    severity: 'error',
    type: 'problem',
    description: 'chs.yaml does not match its schema (schemas/chs.schema.json).',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale:
        'The configuration is validated against schemas/chs.schema.json; point your editor at it for completion.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: { invalid: '{{message}}' },
});

export const coreRules = [configError, fileUnreadable, unknownKind, unknownRule, unusedSuppression];
