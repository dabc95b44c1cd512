/** Rules of the runner itself: files it cannot read, suppressions, the configuration. */
import { defineRule } from './rule.js';

export const fileUnreadable = defineRule({
  id: 'chs/unreadable-file',
  type: 'problem',
  description: 'A policy file that cannot be read: missing, too large, binary, not UTF-8, or not permitted.',
  docs: 'chs reads every policy file as UTF-8 text of at most 8 MiB. Fix the file or move it out of the policy paths.',
  defaultSeverity: 'error',
  messages: { unreadable: '{{reason}}' },
});

export const outsideRepository = defineRule({
  id: 'chs/outside-repository',
  type: 'problem',
  description:
    'A path in a policy or in chs.yaml (an include, an abi, a baseline, a glob, a profile named by a test) that leads outside the repository.',
  docs: "A merge request's files are read in a job that holds tokens, and what chs finds is posted where everyone reads it: chs never opens, lists or quotes a file outside the repository. Allowed are the repository (symbolic links count where they lead; `.git` is not part of it), the include roots named by the target branch's chs.yaml and by `--include-dir`, and the system AppArmor root (`/etc/apparmor.d`). Copy the file into the repository, or name its directory with `--include-dir` in the job definition. See SECURITY.md.",
  defaultSeverity: 'error',
  messages: {
    outside: '{{what}} is {{reason}}',
  },
});

export const unknownKind = defineRule({
  id: 'chs/unknown-kind',
  type: 'problem',
  description: 'A file given on the command line whose policy kind cannot be told.',
  docs: 'Files in the conventional layout (policies/falco, policies/apparmor, ...) or chs.yaml paths have a kind. For others, chs looks at the content; when that fails, name the kind with --kind.',
  defaultSeverity: 'warning',
  messages: {
    unknown: 'cannot tell what kind of policy this is; pass --kind falco|apparmor|seccomp|pod-security',
  },
});

export const unusedSuppression = defineRule({
  id: 'chs/unused-suppression',
  type: 'suggestion',
  description: 'A chs-disable-next-line comment that suppresses nothing.',
  docs: 'A suppression that no longer matches a finding hides nothing today but would hide a future finding: remove it.',
  defaultSeverity: 'warning',
  messages: {
    unused: 'chs-disable-next-line suppresses nothing{{which}}; remove it',
  },
});

export const unknownRule = defineRule({
  id: 'chs/unknown-rule',
  type: 'problem',
  description: 'A rule id in chs.yaml or a suppression comment that no rule has.',
  docs: 'Rule ids are namespaced (`falco/unused-macro`). `chs rules` lists them all.',
  defaultSeverity: 'warning',
  messages: { unknown: 'unknown rule "{{id}}"{{hint}}' },
});

export const configError = defineRule({
  id: 'chs/config',
  type: 'problem',
  description: 'chs.yaml does not match its schema (schemas/chs.schema.json).',
  docs: 'The configuration is validated against schemas/chs.schema.json; point your editor at it for completion.',
  defaultSeverity: 'error',
  messages: { invalid: '{{message}}' },
});

export const moreFindings = defineRule({
  id: 'chs/more-findings',
  type: 'problem',
  description: 'The findings of one rule in one file past the first 1,000, counted rather than listed.',
  docs: 'A generated or hostile file can hold hundreds of thousands of findings of one rule (a seccomp profile of 750,000 unknown names); each listed finding costs memory and a line of output that nobody reads. chs lists the first 1,000 findings of each rule in each file and reports the rest as one finding of the same severity at the first one not listed. Fix the findings listed and lint again, or turn the rule off in chs.yaml.',
  defaultSeverity: 'error',
  messages: {
    more: '{{count}} more {{rule}} findings in this file are not listed (at most {{limit}} per rule and file): fix the ones listed and lint again',
  },
});

export const coreRules = [
  configError,
  fileUnreadable,
  moreFindings,
  outsideRepository,
  unknownKind,
  unknownRule,
  unusedSuppression,
];
