import { defineRule } from '../../../core/rule.js';
import type { FileRule } from '../ast.js';
import { compileAare, expandPattern, literalPrefix } from '../aare.js';
import type { CheckContext } from './context.js';
import { PROFILE_FILE, profile } from './examples.js';

export const shadowedDeny = defineRule({
  meta: {
    id: 'apparmor/shadowed-deny',
    severity: 'warning',
    type: 'problem',
    description:
      'A deny rule that a broader allow of higher priority overrides, or an allow that a broader deny always defeats.',
    remediation:
      'Narrow the deny so that it no longer covers the allow (or drop the allow), or give the deny the higher priority.',
    docs: {
      rationale:
        'AppArmor does not read rules in order: at equal priority a matching `deny` always wins, whatever comes first. So `deny /etc/** w,` makes a later `/etc/nginx/** w,` useless (write the deny narrower), and with AppArmor 4 priorities an allow of higher `priority=` overrides a narrower deny, which then protects nothing. Either way one of the two rules has no effect.',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(`  /usr/sbin/nginx mr,
  deny /var/** w,
  /var/log/nginx/** w,
`),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: profile(`  /usr/sbin/nginx mr,
  deny /var/lib/** w,
  /var/log/nginx/** w,
`),
        },
      ],
    },
  },
  messages: {
    denyShadowed:
      'this deny has no effect: the allow at {{where}} ({{other}}) has a higher priority and covers it',
    allowShadowed:
      'this allow has no effect for {{perms}}: the deny at {{where}} ({{other}}) covers it and deny wins',
  },
  check: checkShadowedDeny,
});

type PermKey = 'read' | 'write' | 'append' | 'link' | 'lock' | 'mmap';
const PERMS: readonly [PermKey, string][] = [
  ['read', 'r'],
  ['write', 'w'],
  ['append', 'a'],
  ['link', 'l'],
  ['lock', 'k'],
  ['mmap', 'm'],
];

function permissionSet(rule: FileRule): Set<string> {
  const out = new Set<string>();
  for (const [key, letter] of PERMS) if (rule.permissions[key]) out.add(letter);
  if (rule.permissions.write) out.add('a');
  if (rule.permissions.exec) out.add('x');
  return out;
}

/** Whether every path `inner` matches is matched by `outer` (conservative: false when unsure). */
function covers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  if (!/[*?[{]/.test(inner)) return compileAare(outer).test(inner);
  // outer = PREFIX/** or PREFIX** with a literal prefix: covers any inner that starts with PREFIX/.
  const m = /^(.*?)\*\*$/.exec(outer);
  if (m && !/[*?[{\\]/.test(m[1] as string)) {
    const prefix = m[1] as string;
    const innerPrefix = literalPrefix(inner);
    return (
      innerPrefix.startsWith(prefix) && (prefix.endsWith('/') ? innerPrefix.length > prefix.length : true)
    );
  }
  return false;
}

/**
 * Rules by the literal start of their path, so that the rules that may cover a path are found by
 * looking up each of its prefixes rather than by trying every rule: linear in the rules where the
 * pairwise comparison was quadratic (100,000 rules in one profile).
 */
class PrefixIndex {
  private readonly byPrefix = new Map<string, number[]>();
  private longest = 0;

  add(prefix: string, i: number): void {
    const list = this.byPrefix.get(prefix);
    if (list) list.push(i);
    else this.byPrefix.set(prefix, [i]);
    this.longest = Math.max(this.longest, prefix.length);
  }

  /** Rules whose prefix begins one of `keys`, in the order they were added. */
  under(keys: readonly string[]): number[] {
    const found = new Set<number>();
    for (const key of keys)
      for (let n = 0; n <= Math.min(key.length, this.longest); n++)
        for (const i of this.byPrefix.get(key.slice(0, n)) ?? []) found.add(i);
    return [...found].sort((a, b) => a - b);
  }
}

function checkShadowedDeny(context: CheckContext): void {
  const variables = context.model.variables;
  for (const profile of context.model.profiles) {
    // Rules of included files matter as the other side only: their denies (and prioritised rules).
    const rules = profile.rules
      .filter(
        (r): r is { rule: FileRule; file: string } =>
          r.rule.kind === 'file' &&
          r.rule.path !== undefined &&
          (r.file === context.file ||
            r.rule.qualifiers.deny !== undefined ||
            r.rule.qualifiers.priority !== undefined),
      )
      .map((r) => ({
        ...r,
        path: expandPattern(r.rule.path?.text ?? '', variables),
        perms: permissionSet(r.rule),
      }));
    // A deny of priority 0 or more is overridden only by an allow with a higher priority= than it.
    const index = { deny: new PrefixIndex(), allow: new PrefixIndex(), prioritisedAllow: new PrefixIndex() };
    rules.forEach((r, i) => {
      const prefix = literalPrefix(r.path);
      if (r.rule.qualifiers.deny) return index.deny.add(prefix, i);
      index.allow.add(prefix, i);
      if ((r.rule.qualifiers.priority?.value ?? 0) > 0) index.prioritisedAllow.add(prefix, i);
    });
    for (const { rule, file, path, perms: mine } of rules) {
      if (file !== context.file) continue;
      const priority = rule.qualifiers.priority?.value ?? 0;
      if (mine.size === 0) continue;
      // Only a rule whose literal start begins this one's can cover it (see covers).
      const others = !rule.qualifiers.deny
        ? index.deny
        : priority >= 0
          ? index.prioritisedAllow
          : index.allow;
      const candidates = others.under(
        /[*?[{]/.test(path) ? [literalPrefix(path)] : [path, literalPrefix(path)],
      );
      for (const i of candidates) {
        const other = rules[i] as (typeof rules)[number];
        if (other.rule === rule || Boolean(other.rule.qualifiers.deny) === Boolean(rule.qualifiers.deny))
          continue;
        if (Boolean(other.rule.qualifiers.owner) && !rule.qualifiers.owner) continue;
        const otherPriority = other.rule.qualifiers.priority?.value ?? 0;
        const theirs = other.perms;
        const otherPath = other.path;
        if (rule.qualifiers.deny) {
          if (otherPriority <= priority || ![...mine].every((p) => theirs.has(p)) || !covers(otherPath, path))
            continue;
          context.report({
            rule: shadowedDeny,
            messageId: 'denyShadowed',
            data: {
              where: context.where(other.file, file, other.rule.start),
              other: other.rule.path?.text ?? '',
            },
            file,
            range: rule,
          });
          break;
        }
        if (otherPriority < priority || !covers(otherPath, path)) continue;
        const lost = [...mine].filter((p) => theirs.has(p) && p !== 'x');
        if (lost.length === 0 || lost.length < [...mine].filter((p) => p !== 'x').length) continue;
        context.report({
          rule: shadowedDeny,
          messageId: 'allowShadowed',
          data: {
            perms: lost.join(''),
            where: context.where(other.file, file, other.rule.start),
            other: other.rule.path?.text ?? '',
          },
          file,
          range: rule,
        });
        break;
      }
    }
  }
}
