/** `mount`, `remount` and `umount` rules: the operation, its source, target, fstype and options. */
import { condition, patternOf } from './conditions.js';
import type { WholeClass } from './types.js';

export const mountClass: WholeClass = {
  key: 'mount',
  ruleKinds: ['mount', 'remount', 'umount'],
  compile(rule, variables) {
    const pattern = (word: Parameters<typeof patternOf>[0]): RegExp => patternOf(word, variables);
    const operation = rule.kind;
    const fstypes = (condition(rule, 'fstype') ?? condition(rule, 'vfstype'))?.map(pattern);
    const optionSets = rule.conditions
      .filter((c) => c.key === 'options')
      .map((c) => ({ membership: c.membership, values: new Set(c.values.map((w) => w.text)) }));
    const paths = rule.words.filter((w) => w.text !== '').map(pattern);
    const target = rule.target ? pattern(rule.target) : undefined;
    return (access) => {
      if (!('mount' in access)) return false;
      const m = access.mount;
      if ((m.operation ?? 'mount') !== operation) return false;
      if (fstypes && (m.fstype === undefined || !fstypes.some((r) => r.test(m.fstype as string))))
        return false;
      const given = m.options ?? [];
      for (const { membership, values } of optionSets) {
        if (!given.every((o) => values.has(o))) return false;
        if (!membership && given.length !== values.size) return false;
      }
      const [first] = paths;
      if (operation === 'mount') {
        if (first && (m.source === undefined || !first.test(m.source))) return false;
        return !target || target.test(m.target);
      }
      return !first || first.test(m.target);
    };
  },
  describe(access) {
    if (!('mount' in access)) return 'mount';
    const m = access.mount;
    return `${m.operation ?? 'mount'} ${m.source ?? ''} ${m.target}`.replace(/\s+/g, ' ');
  },
};
