/**
 * The recorder: one low-priority Falco rule, tagged for chs, whose alerts carry the raw events the
 * repository's rules need, so that falcosidekick ships them to Loki or Elasticsearch and the
 * preview can replay a new or widened rule on what it would have seen. It matches the event
 * types the enabled syscall rules can match, in the targets' namespaces, and its output names
 * every field those rules read (condition, exceptions and output), which Falco then puts in the
 * alert's `output_fields`.
 */
import {
  candidateKeys,
  catalogOf,
  compileOutput,
  escapeValue,
  eventTypes,
  walk,
} from '../languages/falco/index.js';
import type { EvaluableRule } from '../languages/falco/index.js';

const RECORDER_RULE = 'chs recorder';
const RECORDER_TAG = 'chs_recorder';

/** Fields every recorded event keeps: what attributes it to a workload, and its type and direction. */
const ALWAYS = ['evt.type', 'container.id', 'k8s.ns.name', 'k8s.pod.name'];

/** Whether Falco's output accepts the key: a syscall field, with its argument if any. */
function formattable(key: string): boolean {
  const catalog = catalogOf('syscall');
  if (!catalog) return false;
  const name = key.split('[')[0] as string;
  const field = catalog.fields.get(name);
  if (field) return !field.deprecated;
  const dot = name.lastIndexOf('.');
  return dot > 0 && catalog.fields.get(name.slice(0, dot))?.argAllowed === true;
}

export interface Recorder {
  /** The rules file, YAML. */
  text: string;
  types: string[];
  fields: string[];
  namespaces: string[];
  /** Enabled syscall rules that can match any event type: the recorder does not cover them. */
  unbounded: string[];
}

export function recorderRules(rules: readonly EvaluableRule[], namespaces: readonly string[]): Recorder {
  const types = new Set<string>();
  const fields = new Set<string>(ALWAYS);
  const unbounded: string[] = [];
  for (const rule of rules) {
    if (!rule.enabled || rule.source !== 'syscall') continue;
    const set = eventTypes(rule.condition);
    if (set.all) unbounded.push(rule.name);
    else for (const type of set.only) types.add(type);
    walk(rule.condition, (node) => {
      // Every key the evaluator may read the field under (fd.snet is compared through fd.sip).
      if (node.kind === 'field') for (const key of candidateKeys(node)) fields.add(key);
    });
    for (const key of compileOutput(rule.output).keys) fields.add(key);
  }
  const sortedTypes = [...types].sort();
  const sortedFields = [...fields].filter(formattable).sort();
  const sortedNamespaces = [...new Set(namespaces)].sort();
  const conditions: string[] = [];
  if (sortedTypes.length > 0) conditions.push(`evt.type in (${sortedTypes.map(escapeValue).join(', ')})`);
  else conditions.push('evt.type = none');
  if (sortedNamespaces.length > 0)
    conditions.push(`k8s.ns.name in (${sortedNamespaces.map(escapeValue).join(', ')})`);
  const output = `${RECORDER_RULE} (${sortedFields.map((f) => `${f}=%${f}`).join(' ')})`;
  const lines = [
    '# Written by `chs render --recorder`: regenerate it when the rules change; do not edit.',
    '# It records the raw events the rules of this repository read, for `chs preview`.',
    ...(unbounded.length > 0
      ? [
          '# Rules that can match any event type are not covered (recording every event costs too much):',
          ...unbounded.map((name) => `#   ${name}`),
        ]
      : []),
    `- rule: ${RECORDER_RULE}`,
    '  desc: >-',
    "    Records the events the repository's Falco rules can match, with every field they read,",
    '    for the impact preview of chs (container-host-security). Not an alert.',
    `  condition: ${JSON.stringify(conditions.join(' and '))}`,
    `  output: ${JSON.stringify(output)}`,
    '  priority: DEBUG',
    '  source: syscall',
    `  tags: [chs, ${RECORDER_TAG}]`,
    '',
  ];
  return {
    text: lines.join('\n'),
    types: sortedTypes,
    fields: sortedFields,
    namespaces: sortedNamespaces,
    unbounded,
  };
}
