/**
 * `falco:` cases: an event's fields, and the rule the repository's Falco rules should raise for it
 * (`rule: null` when none should). Evaluated with the same engine as `chs falco replay`, under
 * chs.yaml's `falco.ruleMatching`.
 */
import type { YamlMap } from '../../core/yaml.js';
import { pairOf } from '../../core/yaml.js';
import { didYouMeanSuffix } from '../../core/did-you-mean.js';
import type { EngineRule as CompiledRule, Ruleset } from '../../languages/falco/index.js';
import { explainMiss } from '../../languages/falco/index.js';
import { compileOutput, priorityName } from '../../languages/falco/index.js';
import { checkKeys, checkString, describeNode, span, stringAt } from '../shape.js';
import type { CaseKind, CaseOutcome, Problem } from '../types.js';

const WHERE = 'a falco case';

function validate(body: YamlMap): Problem[] {
  const problems = checkKeys(body, WHERE, ['event', 'expect', 'source'], ['event', 'expect']);
  problems.push(...checkString(body, 'source', WHERE));
  const event = pairOf(body, 'event')?.value;
  if (event && event.kind !== 'map')
    problems.push({
      message: `"event" must be a mapping of field names to values, not ${describeNode(event)}`,
      range: span(event),
    });
  if (event?.kind === 'map') {
    for (const pair of event.pairs) {
      const value = pair.value;
      const scalarList = value.kind === 'seq' && value.items.every((item) => item.kind === 'scalar');
      if (value.kind === 'map' || (value.kind === 'seq' && !scalarList))
        problems.push({
          message: `field "${pair.key}" must be a value or a list of values, not ${describeNode(value)}`,
          range: span(value),
        });
    }
  }
  const expect = pairOf(body, 'expect')?.value;
  if (expect && expect.kind !== 'map')
    problems.push({
      message: `"expect" must be a mapping such as {rule: NAME} or {rule: null}, not ${describeNode(expect)}`,
      range: span(expect),
    });
  if (expect?.kind === 'map') {
    const where = 'the expectation of a falco case';
    problems.push(...checkKeys(expect, where, ['rule', 'priority', 'outputContains'], ['rule']));
    problems.push(...checkString(expect, 'rule', where, true));
    problems.push(...checkString(expect, 'priority', where));
    problems.push(...checkString(expect, 'outputContains', where));
  }
  return problems;
}

const quote = (name: string | undefined): string => (name === undefined ? 'no rule' : `"${name}"`);

function verdict(fired: readonly CompiledRule[], ruleset: Ruleset): string {
  if (fired.length === 0) return 'no rule fired';
  if (ruleset.matching === 'all') return `fired: ${fired.map((r) => quote(r.rule.name)).join(', ')}`;
  return `${quote(fired[0]?.rule.name)} fired`;
}

async function evaluate(body: YamlMap, context: { falcoRuleset(): Promise<Ruleset> }): Promise<CaseOutcome> {
  const ruleset = await context.falcoRuleset();
  const fields = (pairOf(body, 'event')?.value.value ?? {}) as Record<string, unknown>;
  const source = stringAt(body, 'source') ?? 'syscall';
  const expectMap = pairOf(body, 'expect')?.value as YamlMap;
  const expected = stringAt(expectMap, 'rule');
  const event = { source, fields };
  const fired = ruleset.evaluate(event);
  const firstName = fired[0]?.rule.name;

  if (expected === null || expected === undefined) {
    if (fired.length === 0) return { passed: true, message: '' };
    return { passed: false, message: `expected: no rule fires\nactual:   ${verdict(fired, ruleset)}` };
  }
  const target = ruleset.compiled.find((r) => r.rule.name === expected);
  if (target === undefined) {
    const why = ruleset.disabled.has(expected)
      ? `rule "${expected}" is disabled (enabled: false)`
      : `no rule named "${expected}" is loaded${didYouMeanSuffix(
          expected,
          ruleset.compiled.map((r) => r.rule.name),
        )}`;
    return {
      passed: false,
      message: `expected: "${expected}" fires\nactual:   ${verdict(fired, ruleset)}\nwhy:      ${why}`,
    };
  }
  const hit = fired.includes(target);
  if (!hit) {
    let why: string;
    if (target.test(fields) && target.rule.source === source)
      why = `"${expected}" matches, but "${firstName}" comes first in load order and wins (falco.ruleMatching: first)`;
    else why = explainMiss(target, event);
    return {
      passed: false,
      message: `expected: "${expected}" fires\nactual:   ${verdict(fired, ruleset)}\nwhy:      ${why}`,
    };
  }
  const lines: string[] = [];
  const priority = stringAt(expectMap, 'priority');
  if (typeof priority === 'string' && priorityName(priority) !== priorityName(target.rule.priority))
    lines.push(
      `expected priority: ${priorityName(priority)}\nactual priority:   ${priorityName(target.rule.priority)}`,
    );
  const contains = stringAt(expectMap, 'outputContains');
  if (typeof contains === 'string') {
    const output = compileOutput(target.rule.output).render(fields);
    if (!output.includes(contains))
      lines.push(`expected the output to contain: ${contains}\nactual output: ${output}`);
  }
  return { passed: lines.length === 0, message: lines.join('\n') };
}

export const falcoCase: CaseKind = { key: 'falco', validate, evaluate };
