/**
 * Whether the Security Profiles Operator can carry an AppArmor profile exactly, and the
 * AppArmorProfile spec that does. Before v0.9.0 the operator took the profile as text
 * (`spec.policy`, loaded under the object's name). Since v0.9.0 it takes an abstract policy and
 * writes the profile itself from a fixed template (internal/pkg/daemon/apparmorprofile/crd2armor):
 *
 *   include <tunables/global>
 *   profile NAME flags=(enforce,attach_disconnected,mediate_deleted) {
 *     include <abstractions/base>
 *     EXE ixr,                       executable.allowedExecutables
 *     LIB mr,                        executable.allowedLibraries
 *     PATH r,    deny PATH wlk,      filesystem.readOnlyPaths
 *     PATH wlk,  deny PATH r,        filesystem.writeOnlyPaths
 *     PATH rwlk,                     filesystem.readWritePaths
 *     network raw, | deny network raw,   network tcp,   network udp,
 *     capability CAP,
 *     (with sys_rawio: /sbin/fsck ixr, /sbin/fsck.ext4 ixr, mount, remount, umount,)
 *     deny @{PROC}/* w, ... (nine deny rules for /proc, /sys/firmware)
 *   }
 *
 * A profile is carried exactly when it is that template filled in: every rule has a place in
 * the abstract, and every rule the template adds is in the profile. Anything else (other
 * network forms, owner or audit rules, signals, ptrace, child profiles, includes) stays with
 * the loader, and the finding names the first rule that does not fit.
 */
import type { Range } from '../../core/diagnostic.js';
import type { FileRule, MediationRule, Profile, Statement } from './ast.js';
import { CAPABILITIES } from './tables.js';

interface OperatorAbstract {
  executable?: { allowedExecutables?: string[]; allowedLibraries?: string[] };
  filesystem?: { readOnlyPaths?: string[]; writeOnlyPaths?: string[]; readWritePaths?: string[] };
  network?: { allowRaw?: boolean; allowedProtocols?: { allowTcp?: boolean; allowUdp?: boolean } };
  capability?: { allowedCapabilities: string[] };
}

export type OperatorFit =
  | { fits: true; name: string; abstract?: OperatorAbstract; profile: Profile }
  | { fits: false; name?: string; reason: string; range: Range };

/** The deny rules the template always adds (path, permissions as written). */
const TEMPLATE_DENIES: readonly [string, string][] = [
  ['@{PROC}/*', 'w'],
  ['@{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9]*}/**', 'w'],
  ['@{PROC}/sys/[^k]**', 'w'],
  ['@{PROC}/sys/kernel/{?,??,[^s][^h][^m]**}', 'w'],
  ['@{PROC}/sysrq-trigger', 'rwklx'],
  ['@{PROC}/mem', 'rwklx'],
  ['@{PROC}/kmem', 'rwklx'],
  ['@{PROC}/kcore', 'rwklx'],
  ['/sys/firmware/efi/efivars/**', 'rwklx'],
];

const FSCK = ['/sbin/fsck', '/sbin/fsck.ext4'];

/** crd2armor's validateCapability accepts exactly the kernel's capability names. */
const OPERATOR_CAPABILITIES = CAPABILITIES;

/** The operator's path check (crd2armor's strictPathRegex, without its ptrace escape hatch). */
const OPERATOR_PATH = /^\/[a-zA-Z0-9_./*?+@{} -]*$/;

/** An object name the API server takes (DNS-1123 subdomain), which the operator loads the profile as. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** A file rule's permissions as the set of letters the template writes (r w l k m x). */
function letters(rule: FileRule): string {
  const p = rule.permissions;
  let out = '';
  if (p.read) out += 'r';
  if (p.write) out += 'w';
  if (p.append) out += 'a';
  if (p.lock) out += 'k';
  if (p.link) out += 'l';
  if (p.mmap) out += 'm';
  if (p.exec) out += p.exec === 'x' ? 'x' : `(${p.exec})`;
  return out;
}

function qualified(rule: FileRule | MediationRule): boolean {
  const q = rule.qualifiers;
  return q.audit !== undefined || q.owner !== undefined || q.other !== undefined || q.priority !== undefined;
}

/** The profile's text, `rule,` as written, for messages. */
function excerpt(text: string, range: Range): string {
  const raw = text.slice(range.start, range.end).replace(/\s+/g, ' ').trim();
  return raw.length > 60 ? `${raw.slice(0, 57)}...` : raw;
}

/**
 * Whether a file's profile fits the operator's AppArmorProfile: `policyText` for operators before
 * v0.9.0 (any single profile, loaded under its name), else the template above.
 */
export function operatorFit(
  statements: readonly Statement[],
  text: string,
  policyText: boolean,
): OperatorFit {
  const profiles = statements.filter((s): s is Profile => s.kind === 'profile');
  const first = profiles[0];
  if (!first) return { fits: false, reason: 'the file defines no profile', range: { start: 0, end: 0 } };
  const name = first.name?.text;
  if (profiles.length > 1) {
    const second = profiles[1] as Profile;
    return {
      fits: false,
      ...(name ? { name } : {}),
      reason: 'one AppArmorProfile object holds one profile; this file defines several',
      range: { start: second.start, end: second.end },
    };
  }
  if (!name || !OBJECT_NAME.test(name))
    return {
      fits: false,
      ...(name ? { name } : {}),
      reason: `the operator loads a profile under its object's name, and "${name ?? ''}" is not one (lower case letters, digits, "-" and ".")`,
      range: first.name ?? first.header,
    };
  if (policyText) return { fits: true, name, profile: first };
  const unfit = (reason: string, range: Range): OperatorFit => ({
    fits: false,
    name,
    reason,
    range: { start: range.start, end: range.end },
  });
  for (const s of statements) {
    if (s === first) continue;
    if (s.kind === 'include' && s.angle && s.path === 'tunables/global') continue;
    return unfit(
      `"${excerpt(text, s)}" outside the profile: the operator writes only include <tunables/global> there`,
      s,
    );
  }
  if (first.form !== 'profile' || first.attachment)
    return unfit('the operator writes "profile NAME" with no attachment path', first.header);
  for (const flag of first.flags)
    if (!['attach_disconnected', 'mediate_deleted', 'enforce'].includes(flag.name))
      return unfit(
        `flags=(${flag.name}): the operator sets only enforce or complain (from the target's mode), attach_disconnected and mediate_deleted`,
        flag,
      );
  for (const needed of ['attach_disconnected', 'mediate_deleted'])
    if (!first.flags.some((f) => f.name === needed))
      return unfit(`the operator adds flags=(${needed}), which this profile does not set`, first.header);

  const executables: string[] = [];
  const libraries: string[] = [];
  const readOnly = new Map<string, FileRule>();
  const writeOnly = new Map<string, FileRule>();
  const readWrite: string[] = [];
  const denies = new Map<string, FileRule>();
  const capabilities: string[] = [];
  const mounts = new Set<string>();
  let base = false;
  let raw: boolean | undefined;
  let tcp = false;
  let udp = false;
  for (const s of first.body) {
    if (s.kind === 'include' && s.angle && s.path === 'abstractions/base' && !s.ifExists) {
      base = true;
      continue;
    }
    if (s.kind === 'file' && !qualified(s) && s.path && !s.target && !s.safety) {
      const path = s.path.text;
      const perms = letters(s);
      // Deny rules are the template's own or the companions of allowed paths: checked below.
      if (s.qualifiers.deny) {
        denies.set(`${path}\u0000${[...perms].sort().join('')}`, s);
        continue;
      }
      if (!OPERATOR_PATH.test(path) || path.includes('/..'))
        return unfit(
          `"${path}": the operator takes absolute paths of letters, digits and _ . / * ? + @ { } - only`,
          s.path,
        );
      if (perms === 'r(ix)') executables.push(path);
      else if (perms === 'rm') libraries.push(path);
      else if (perms === 'r') readOnly.set(path, s);
      else if (perms === 'wkl') writeOnly.set(path, s);
      else if (perms === 'rwkl') readWrite.push(path);
      else
        return unfit(`"${excerpt(text, s)}": the operator writes paths as ixr, mr, r, wlk or rwlk only`, s);
      continue;
    }
    if (s.kind === 'capability' && !qualified(s) && !s.qualifiers.deny && s.conditions.length === 0) {
      const bad = s.permissions.find((w) => !OPERATOR_CAPABILITIES.has(w.text));
      if (bad || s.permissions.length === 0)
        return unfit(`"${excerpt(text, s)}": the operator takes named capabilities only`, bad ?? s);
      for (const w of s.permissions) capabilities.push(w.text);
      continue;
    }
    const networkWords = s.kind === 'network' ? [...s.permissions, ...s.words] : [];
    if (
      s.kind === 'network' &&
      !qualified(s) &&
      !s.parenthesized &&
      s.conditions.length === 0 &&
      networkWords.length === 1
    ) {
      const word = networkWords[0]?.text;
      if (word === 'raw') {
        raw = s.qualifiers.deny === undefined;
        continue;
      }
      if (!s.qualifiers.deny && word === 'tcp') {
        tcp = true;
        continue;
      }
      if (!s.qualifiers.deny && word === 'udp') {
        udp = true;
        continue;
      }
    }
    if (
      (s.kind === 'mount' || s.kind === 'remount' || s.kind === 'umount') &&
      !qualified(s) &&
      !s.qualifiers.deny &&
      s.conditions.length === 0 &&
      s.words.length === 0 &&
      !s.target
    ) {
      mounts.add(s.kind);
      continue;
    }
    const what = 'kind' in s ? s.kind : 'statement';
    return unfit(
      `"${excerpt(text, s)}": the operator's AppArmorProfile has no place for this ${what === 'file' ? 'file rule' : `${what} rule`} (it carries executables, libraries, file paths read, write or read-write, network raw, tcp and udp, and capabilities)`,
      s,
    );
  }
  const header = first.header;
  if (!base)
    return unfit('the operator adds include <abstractions/base>, which this profile does not have', header);
  // Each read-only path comes with its deny of writes, each write-only path with its deny of reads.
  const takeDeny = (path: string, perms: string): boolean =>
    denies.delete(`${path}\u0000${[...perms].sort().join('')}`);
  for (const [path, rule] of readOnly)
    if (!takeDeny(path, 'wkl'))
      return unfit(`the operator adds "deny ${path} wlk," after the read-only path "${path} r,"`, rule);
  for (const [path, rule] of writeOnly)
    if (!takeDeny(path, 'r'))
      return unfit(`the operator adds "deny ${path} r," after the write-only path "${path} wlk,"`, rule);
  for (const [path, perms] of TEMPLATE_DENIES)
    if (!takeDeny(path, perms))
      return unfit(
        `the operator adds "deny ${path} ${perms}," to every profile, and this one does not have it`,
        header,
      );
  const extra = denies.values().next().value;
  if (extra)
    return unfit(`"${excerpt(text, extra)}": the operator writes no deny rule of its own choosing`, extra);
  const rawio = capabilities.includes('sys_rawio');
  for (const kind of ['mount', 'remount', 'umount'])
    if (rawio !== mounts.has(kind))
      return unfit(
        rawio
          ? `with capability sys_rawio the operator adds "${kind},", which this profile does not have`
          : `"${kind}," fits the operator only with capability sys_rawio`,
        header,
      );
  const ownExecutables = rawio ? executables.filter((e) => !FSCK.includes(e)) : executables;
  if (rawio && FSCK.some((f) => !executables.includes(f)))
    return unfit(
      'with capability sys_rawio the operator adds "/sbin/fsck ixr," and "/sbin/fsck.ext4 ixr,"',
      header,
    );
  const abstract: OperatorAbstract = {};
  if (ownExecutables.length > 0 || libraries.length > 0)
    abstract.executable = {
      ...(ownExecutables.length > 0 ? { allowedExecutables: ownExecutables } : {}),
      ...(libraries.length > 0 ? { allowedLibraries: libraries } : {}),
    };
  if (readOnly.size > 0 || writeOnly.size > 0 || readWrite.length > 0)
    abstract.filesystem = {
      ...(readOnly.size > 0 ? { readOnlyPaths: [...readOnly.keys()] } : {}),
      ...(writeOnly.size > 0 ? { writeOnlyPaths: [...writeOnly.keys()] } : {}),
      ...(readWrite.length > 0 ? { readWritePaths: readWrite } : {}),
    };
  if (raw !== undefined || tcp || udp)
    abstract.network = {
      ...(raw !== undefined ? { allowRaw: raw } : {}),
      ...(tcp || udp
        ? { allowedProtocols: { ...(tcp ? { allowTcp: true } : {}), ...(udp ? { allowUdp: true } : {}) } }
        : {}),
    };
  if (capabilities.length > 0) abstract.capability = { allowedCapabilities: [...new Set(capabilities)] };
  return { fits: true, name, abstract, profile: first };
}
