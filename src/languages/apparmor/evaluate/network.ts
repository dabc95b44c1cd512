/**
 * `network` rules: sockets by domain and type, as apparmor_parser's mapping table has them, and
 * (AppArmor 4) the socket operations a rule names.
 */
import { NETWORK_DOMAINS, NETWORK_PERMISSIONS, NETWORK_PROTOCOL_TYPES, NETWORK_TYPES } from '../tables.js';
import { words } from './conditions.js';
import { decideWhole } from './decide.js';
import type {
  Access,
  AccessDecision,
  CompiledOther,
  CompiledProfile,
  EvaluateOptions,
  ProfileSet,
  WholeClass,
} from './types.js';

const NETWORK_READ = ['receive', 'getattr', 'getopt', 'accept'];
const NETWORK_WRITE = ['send', 'create', 'bind', 'connect', 'listen', 'setattr', 'setopt', 'shutdown'];
const NETWORK_ALIASES: Record<string, string[]> = {
  r: NETWORK_READ,
  read: NETWORK_READ,
  w: NETWORK_WRITE,
  write: NETWORK_WRITE,
  rw: [...NETWORK_READ, ...NETWORK_WRITE],
};

export const networkClass: WholeClass = {
  key: 'network',
  ruleKinds: ['network'],
  compile(rule) {
    const all = words(rule);
    const perms = rule.parenthesized
      ? rule.permissions.map((w) => w.text)
      : all.filter((w) => NETWORK_PERMISSIONS.has(w));
    const rest = rule.parenthesized
      ? rule.words.map((w) => w.text)
      : all.filter((w) => !NETWORK_PERMISSIONS.has(w));
    const entries = networkEntries(rest);
    const granted = new Set(perms.flatMap((p) => [p, ...(NETWORK_ALIASES[p] ?? [])]));
    // ip=, port= and peer= narrow a rule to addresses the access does not name.
    const narrowed = rule.conditions.length > 0;
    return (access) => {
      if (!('network' in access) || narrowed) return false;
      const n = access.network;
      const domain = n.domain === 'local' ? 'unix' : n.domain;
      const type = n.type;
      let covered = false;
      for (const entry of entries) {
        if (entry.domain !== undefined && entry.domain !== domain) continue;
        if (entry.types !== undefined && (type === undefined || !entry.types.has(type))) continue;
        covered = true;
        break;
      }
      if (!covered) return false;
      if (granted.size === 0) return true;
      return n.access !== undefined && granted.has(n.access);
    };
  },
  describe(access) {
    if (!('network' in access)) return 'network';
    const n = access.network;
    return `network ${[n.access, n.domain, n.type, n.protocol].filter(Boolean).join(' ') || '(any)'}`;
  },
};

/** The sockets a network rule covers: a domain (undefined: every one) and its types (undefined: every one). */
interface NetworkEntry {
  domain?: string;
  types?: ReadonlySet<string>;
}

/**
 * The sockets of a network rule's words, as apparmor_parser's mapping table has them: `network`
 * every socket; `network D` domain D with the types the table lists for every domain (stream,
 * dgram, seqpacket, rdm, raw, packet); `network T` type T in every domain; `network tcp` (udp,
 * icmp) the protocol's type in the domains it is mapped for; `network D T` and `network D tcp`
 * likewise within D. Words that name no entry cover nothing (apparmor_parser refuses them).
 */
export function networkEntries(words: readonly string[]): NetworkEntry[] {
  const [first, second] = words;
  if (first === undefined) return [{}];
  if (NETWORK_DOMAINS.has(first)) {
    const domain = first === 'local' ? 'unix' : first;
    if (second === undefined) return [{ domain, types: NETWORK_TYPES }];
    if (NETWORK_TYPES.has(second)) return [{ domain, types: new Set([second]) }];
    const mapped = NETWORK_PROTOCOL_TYPES[second];
    return mapped?.domains.includes(domain) ? [{ domain, types: new Set([mapped.type]) }] : [];
  }
  if (second !== undefined) return [];
  if (NETWORK_TYPES.has(first)) return [{ types: new Set([first]) }];
  const mapped = NETWORK_PROTOCOL_TYPES[first];
  return mapped ? mapped.domains.map((domain) => ({ domain, types: new Set([mapped.type]) })) : [];
}

type NetworkAccess = Extract<Access, { network: unknown }>['network'];

/** Every domain once (`local` is `unix`). */
const ALL_DOMAINS = [...NETWORK_DOMAINS].filter((domain) => domain !== 'local');

/**
 * The sockets an access stands for, each a domain and a type. The protocol only chooses the type
 * (`tcp` a stream socket, `udp` a dgram one, `icmp` a raw one), as the kernel's socket(2) does
 * with protocol 0; a part left out stands for every value (the access is allowed only when all
 * of them are).
 */
function networkSockets(n: NetworkAccess): { domain: string; type: string }[] {
  const mapped = n.protocol === undefined ? undefined : NETWORK_PROTOCOL_TYPES[n.protocol];
  let types: readonly string[];
  if (n.type !== undefined) {
    if (mapped && mapped.type !== n.type)
      throw new Error(
        `network access: ${n.protocol} sockets are of type ${mapped.type}, not ${n.type} (socket(2) refuses them)`,
      );
    types = [n.type];
  } else if (mapped) types = [mapped.type];
  else if (n.protocol !== undefined)
    throw new Error(
      `network access: AppArmor mediates sockets by domain and type, and protocol "${n.protocol}" names no type (tcp, udp and icmp do): give the type too`,
    );
  else types = [...NETWORK_TYPES];
  const domains = n.domain === undefined ? ALL_DOMAINS : [n.domain === 'local' ? 'unix' : n.domain];
  return domains.flatMap((domain) => types.map((type) => ({ domain, type })));
}

/** A network access, decided per socket it stands for: one denied socket denies it. */
export function decideNetwork(
  set: ProfileSet,
  profile: CompiledProfile,
  n: NetworkAccess,
  options: EvaluateOptions,
): AccessDecision {
  const rules = profile.others.get('network') ?? [];
  const decideOne = (access: Access): AccessDecision => {
    const matches: CompiledOther[] = [];
    for (const rule of rules) if (rule.matches(access)) matches.push(rule);
    return decideWhole(set, profile, matches, networkClass.describe(access), options);
  };
  // One socket named in full (the usual case): no copies.
  if (n.domain !== undefined && n.type !== undefined && n.protocol === undefined)
    return decideOne({ network: n });
  let result: AccessDecision | undefined;
  for (const socket of networkSockets(n)) {
    const one: NetworkAccess = { ...socket };
    if (n.access !== undefined) one.access = n.access;
    if (n.protocol !== undefined) one.protocol = n.protocol;
    const decision = decideOne({ network: one });
    if (decision.decision === 'deny') return decision;
    if (!result || (decision.decision === 'audit' && result.decision === 'allow')) result = decision;
  }
  return result as AccessDecision;
}
