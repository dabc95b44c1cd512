/**
 * The one event-type resolver (loader warnings, chs checks, the evaluator's index, the preview),
 * case by case, with the cases where the loader's and the evaluator's former copies disagreed
 * decided as Falco 0.44 / libsinsp decide them.
 */
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/languages/falco/condition/ast.js';
import {
  codeCount,
  eventTypes,
  hasType,
  isEmpty,
  isUnrestricted,
} from '../../src/languages/falco/condition/evttypes.js';
import type { TypeSet } from '../../src/languages/falco/condition/evttypes.js';
import { parse } from '../../src/languages/falco/condition/parser.js';

function ast(condition: string): Expr {
  const result = parse(condition);
  if (!('ast' in result)) throw new Error(`${condition}: ${result.error}`);
  return result.ast;
}

/** `*` for every type, `* - a b` for every type but a and b, `a b` for only a and b, `-` for none. */
function show(set: TypeSet): string {
  if (set.all) return set.except.size === 0 ? '*' : `* - ${[...set.except].sort().join(' ')}`;
  return set.only.size === 0 ? '-' : [...set.only].sort().join(' ');
}

const cases: [why: string, condition: string, types: string][] = [
  // Where the two copies disagreed.
  ['intersects is no event-type operator in libsinsp: neutral', 'evt.type intersects (open, close)', '*'],
  ['... even under not', 'not evt.type intersects (open, close)', '*'],
  ['evt.num = 0, the never-true placeholder, matches no type', 'evt.num = 0', '-'],
  ['... and its negation every type', 'not evt.num = 0', '*'],
  ['... so a rule anchored on a type keeps it', 'evt.type = open and not evt.num = 0', 'open'],
  [
    'a modifier leaves the operator: its list gives the names',
    'evt.type = oneof (open, close)',
    'close open',
  ],
  ['... allof too (a superset: an event has one type)', 'evt.type = allof (open, close)', 'close open'],
  ['... and != with a modifier is its complement', 'evt.type != anyof (open, close)', '* - close open'],
  ['a name that is no event type is dropped', 'evt.type = nosuch', '-'],
  ['... from a list too', 'evt.type in (open, nosuch)', 'open'],
  ['... and from a complement', 'evt.type != nosuch', '*'],
  // Where they agreed.
  ['= narrows', 'evt.type = open', 'open'],
  ['== narrows', 'evt.type == open', 'open'],
  ['in narrows', 'evt.type in (open, openat)', 'open openat'],
  ['!= complements', 'evt.type != open', '* - open'],
  ['not complements at the leaf', 'not evt.type = open', '* - open'],
  ['not of != gives the type back', 'not evt.type != open', 'open'],
  ['and intersects', 'evt.type in (open, openat) and evt.type in (openat, close)', 'openat'],
  ['or unites', 'evt.type = open or evt.type = close', 'close open'],
  ['contradicting types leave none', 'evt.type = open and evt.type = close', '-'],
  ['not (A and B) is not A or not B', 'not (evt.type = open and proc.name = x)', '*'],
  ['not (A or B) is not A and not B', 'not (evt.type = open or evt.type = close)', '* - close open'],
  ['other fields are neutral', 'proc.name = cat', '*'],
  ['... under not too', 'not proc.name = cat', '*'],
  ['other operators on evt.type are neutral', 'evt.type startswith open', '*'],
  ['a field argument makes it another field', 'evt.type[0] = open', '*'],
  ['a transformer too', 'tolower(evt.type) = open', '*'],
  ['evt.type exists holds for every type', 'evt.type exists', '*'],
  ['... and not evt.type exists for none', 'not evt.type exists', '-'],
  ['a macro left unexpanded is neutral', 'some_macro and evt.type = open', 'open'],
];

describe('the event types a condition can match', () => {
  it.each(cases)('%s: %s', (_why, condition, types) => {
    expect(show(eventTypes(ast(condition)))).toBe(types);
  });

  it('counts codes, and says when nothing or everything is left', () => {
    expect(codeCount(eventTypes(ast('evt.type = open')))).toBe(2);
    expect(codeCount(eventTypes(ast('proc.name = cat')))).toBeGreaterThan(100);
    expect(codeCount(eventTypes(ast('evt.num = 0')))).toBe(0);
    expect(isEmpty(eventTypes(ast('evt.type = open and evt.type = close')))).toBe(true);
    expect(isEmpty(eventTypes(ast('evt.type != open')))).toBe(false);
    expect(isUnrestricted(eventTypes(ast('proc.name = cat')))).toBe(true);
    expect(isUnrestricted(eventTypes(ast('evt.type != open')))).toBe(false);
    expect(hasType(eventTypes(ast('evt.type != open')), 'close')).toBe(true);
    expect(hasType(eventTypes(ast('evt.type != open')), 'open')).toBe(false);
  });
});
