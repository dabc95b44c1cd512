/** `signal` rules: sending or receiving a signal, by signal set and peer label. */
import { condition, grantedSet, patternOf, peerOf } from './conditions.js';
import type { WholeClass } from './types.js';

const SIGNAL_ALIASES: Record<string, string[]> = {
  send: [],
  receive: [],
  r: ['receive'],
  read: ['receive'],
  w: ['send'],
  write: ['send'],
  rw: ['send', 'receive'],
};

export const signalClass: WholeClass = {
  key: 'signal',
  ruleKinds: ['signal'],
  compile(rule, variables) {
    const granted = grantedSet(rule, SIGNAL_ALIASES);
    const signals = condition(rule, 'set');
    const signalSet = signals ? new Set(signals.map((w) => w.text)) : undefined;
    const peers = peerOf(rule)?.map((word) => patternOf(word, variables));
    return (access) => {
      if (!('signal' in access)) return false;
      const s = access.signal;
      if (granted && (s.access === undefined || !granted.has(s.access))) return false;
      if (signalSet && (s.signal === undefined || !signalSet.has(s.signal))) return false;
      return !peers || (s.peer !== undefined && peers.some((p) => p.test(s.peer as string)));
    };
  },
  describe(access) {
    if (!('signal' in access)) return 'signal';
    const s = access.signal;
    return `signal ${[s.access, s.signal, s.peer && `peer=${s.peer}`].filter(Boolean).join(' ')}`;
  },
};
