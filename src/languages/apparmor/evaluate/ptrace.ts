/** `ptrace` rules: tracing or reading another task, and being traced or read, by peer label. */
import { grantedSet, patternOf, peerOf } from './conditions.js';
import type { WholeClass } from './types.js';

const PTRACE_ALIASES: Record<string, string[]> = {
  read: [],
  trace: [],
  readby: [],
  tracedby: [],
  r: ['read', 'readby'],
  w: ['trace', 'tracedby'],
  rw: ['read', 'readby', 'trace', 'tracedby'],
  write: ['trace', 'tracedby'],
};

export const ptraceClass: WholeClass = {
  key: 'ptrace',
  ruleKinds: ['ptrace'],
  compile(rule, variables) {
    const granted = grantedSet(rule, PTRACE_ALIASES);
    const peers = peerOf(rule)?.map((word) => patternOf(word, variables));
    return (access) => {
      if (!('ptrace' in access)) return false;
      const p = access.ptrace;
      if (granted && (p.access === undefined || !granted.has(p.access))) return false;
      return !peers || (p.peer !== undefined && peers.some((r) => r.test(p.peer as string)));
    };
  },
  describe(access) {
    if (!('ptrace' in access)) return 'ptrace';
    const p = access.ptrace;
    return `ptrace ${[p.access, p.peer && `peer=${p.peer}`].filter(Boolean).join(' ')}`;
  },
};
