/**
 * Network rules as apparmor_parser 4.1 takes them (parser_yacc.y and network.cc): access first,
 * one word or a parenthesized list (`network (send receive) inet stream`); then at most two words,
 * a family and a type (`inet stream`, `inet tcp`) or a type or protocol alone (`stream`, `tcp`);
 * then `ip=` and `port=` once each and `peer=(ip=... port=...)`, which only inet and inet6 take.
 */
import { didYouMeanSuffix } from '../../core/did-you-mean.js';
import type { Condition, MediationRule, Word } from './ast.js';
import type { Reporter } from './reporter.js';
import { invalidOption } from './rules/invalid-option.js';
import { invalidPermissions } from './rules/invalid-permissions.js';
import { NETWORK_DOMAINS, NETWORK_PERMISSIONS, NETWORK_PROTOCOL_TYPES, NETWORK_TYPES } from './tables.js';

/** Socket accesses that have no peer (`accept` has one). */
export const NO_PEER = new Set([
  'create',
  'bind',
  'listen',
  'shutdown',
  'getattr',
  'setattr',
  'getopt',
  'setopt',
]);

/** Access written in a list: a name, or letters r and w (`parse_X_perms`). */
export function isListedAccess(text: string, names: ReadonlySet<string>): boolean {
  return names.has(text) || /^[rwRW]+$/.test(text);
}

export function validateNetwork(rule: MediationRule, report: Reporter): void {
  const bare = (rule.parenthesized ? rule.words : [...rule.permissions, ...rule.words]).sort(
    (a, b) => a.start - b.start,
  );
  const access: string[] = [];
  if (rule.parenthesized) {
    for (const word of rule.permissions) {
      if (!isListedAccess(word.text, NETWORK_PERMISSIONS)) {
        report(invalidPermissions, 'notFor', word, {
          perm: word.text,
          kind: 'network',
          hint: didYouMeanSuffix(word.text, [...NETWORK_PERMISSIONS]),
        });
        return;
      }
      access.push(word.text);
    }
  } else if (bare[0] && NETWORK_PERMISSIONS.has(bare[0].text)) {
    access.push((bare.shift() as Word).text);
  }
  const firstCondition = Math.min(...rule.conditions.map((c) => c.start));
  for (const word of bare) {
    if (NETWORK_PERMISSIONS.has(word.text)) {
      report(invalidOption, 'invalid', word, {
        detail: `several network accesses must be written in parentheses: network (${[...access, word.text].join(' ')}) ...`,
      });
      return;
    }
    if (word.start > firstCondition) {
      report(invalidOption, 'invalid', word, {
        detail: `"${word.text}" must come before the conditions (network [access] [family] [type] ip=... port=...)`,
      });
      return;
    }
  }
  if (bare.length > 2) {
    report(invalidOption, 'invalid', bare[2] as Word, {
      detail: 'a network rule names at most a family and a type (or protocol); write one rule per type',
    });
    return;
  }
  const conditional = rule.conditions.length > 0;
  if (!checkEntry(bare, conditional, report)) return;
  checkConditions(rule, report);
  if (rule.conditions.some((c) => c.key === 'peer') && access.some((a) => NO_PEER.has(a))) {
    report(invalidOption, 'invalid', rule.keyword, {
      detail: 'peer= does not apply to create, bind, listen, shutdown, getattr, setattr, getopt or setopt',
    });
  }
  if (rule.target)
    report(invalidOption, 'invalid', rule.target, { detail: 'network rules take no "->" target' });
}

const PROTOCOLS = Object.keys(NETWORK_PROTOCOL_TYPES);

/** Whether the family and type name an entry of apparmor_parser's network table. */
function checkEntry(words: readonly Word[], conditional: boolean, report: Reporter): boolean {
  const [first, second] = words;
  if (!first) return true;
  const known = [...NETWORK_DOMAINS, ...NETWORK_TYPES, ...PROTOCOLS];
  const unknown = (word: Word): false => {
    report(invalidOption, 'badValue', word, {
      what: 'network family, type or protocol',
      value: word.text,
      hint: didYouMeanSuffix(word.text, known),
    });
    return false;
  };
  const family = NETWORK_DOMAINS.has(first.text) ? first.text : undefined;
  if (!second) {
    if (!family && !NETWORK_TYPES.has(first.text) && !PROTOCOLS.includes(first.text)) return unknown(first);
  } else {
    if (!family) return unknown(first);
    const mapped = NETWORK_PROTOCOL_TYPES[second.text];
    if (!NETWORK_TYPES.has(second.text) && !mapped) return unknown(second);
    if (mapped && !mapped.domains.includes(family)) {
      report(invalidOption, 'invalid', second, {
        detail: `"${family} ${second.text}" is no network entry apparmor_parser knows (${second.text} is mapped for ${mapped.domains.join(' and ')} only)`,
      });
      return false;
    }
  }
  if (conditional && family && family !== 'inet' && family !== 'inet6') {
    report(invalidOption, 'invalid', first, {
      detail: `ip= and port= conditions apply to inet and inet6 only, not to ${family}`,
    });
    return false;
  }
  return true;
}

function checkConditions(rule: MediationRule, report: Reporter): void {
  checkGroup(rule.conditions, 'network', report);
  for (const condition of rule.conditions) {
    if (condition.key !== 'peer') continue;
    if (!condition.nested) {
      report(invalidOption, 'invalid', condition, { detail: 'peer= takes (ip=... port=...) conditions' });
      continue;
    }
    checkGroup(condition.nested, 'network peer', report);
  }
}

function checkGroup(conditions: readonly Condition[], kind: string, report: Reporter): void {
  const seen = new Set<string>();
  for (const condition of conditions) {
    if (condition.key === 'peer' && kind === 'network') continue;
    if (condition.key !== 'ip' && condition.key !== 'port') {
      report(invalidOption, 'unknownKey', condition.keyRange, {
        kind,
        key: condition.key,
        hint: didYouMeanSuffix(condition.key, ['ip', 'port']),
      });
      continue;
    }
    if (condition.membership) {
      report(invalidOption, 'invalid', condition.keyRange, {
        detail: `network rules do not take "${condition.key} in (...)"`,
      });
      continue;
    }
    if (seen.has(condition.key)) {
      report(invalidOption, 'invalid', condition.keyRange, { detail: `${condition.key}= is given twice` });
      continue;
    }
    seen.add(condition.key);
    // apparmor_parser reads the first value of a list only.
    const value = condition.values[0];
    if (!value) continue;
    if (condition.key === 'ip' && value.text !== 'none' && !isIpAddress(value.text))
      report(invalidOption, 'badValue', value, { what: 'IP address', value: value.text, hint: '' });
    if (condition.key === 'port' && !isPortRange(value.text))
      report(invalidOption, 'badValue', value, {
        what: 'port',
        value: value.text,
        hint: ' (a number up to 65535, or a range such as 8000-8080)',
      });
  }
}

/** An IPv4 address as inet_pton reads it: four decimal parts up to 255, no leading zeros. */
function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** An IPv6 address as inet_pton reads it, a trailing IPv4 part included. */
function isIpAddress(text: string): boolean {
  if (isIpv4(text)) return true;
  if (!text.includes(':')) return false;
  let groups = 0;
  let rest = text;
  const lastColon = rest.lastIndexOf(':');
  const tail = rest.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIpv4(tail)) return false;
    groups += 2;
    rest = rest.slice(0, lastColon + 1);
    if (rest.endsWith(':') && !rest.endsWith('::')) rest = rest.slice(0, -1);
  }
  const halves = rest.split('::');
  if (halves.length > 2) return false;
  for (const half of halves) {
    if (half === '') continue;
    const parts = half.split(':');
    if (parts.some((p) => !/^[0-9a-fA-F]{1,4}$/.test(p))) return false;
    groups += parts.length;
  }
  // `::` stands for at least one group.
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

/** A port number as strtoul reads it (a sign is allowed), or a range `from-to`. */
function isPortRange(text: string): boolean {
  const port = (s: string): number | undefined => {
    const m = /^\s*([+-]?)(\d+)$/.exec(s);
    if (!m) return undefined;
    const n = Number(m[2]);
    const value = m[1] === '-' && n !== 0 ? Number.MAX_SAFE_INTEGER : n;
    return value <= 65535 ? value : undefined;
  };
  const dash = text.indexOf('-');
  if (dash !== -1) {
    const from = port(text.slice(0, dash));
    const to = port(text.slice(dash + 1));
    if (from !== undefined && to !== undefined) return from <= to;
  }
  return port(text) !== undefined;
}
