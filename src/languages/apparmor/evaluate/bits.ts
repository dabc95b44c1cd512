/** Permission words and bits of the classes decided per permission (unix, dbus, mqueue, io_uring, userns). */
import type { MediationRule } from '../ast.js';
import type { PermissionTable, Permissions } from './types.js';

/**
 * The bits a rule grants: its permission words (`r`, `w` and `rw` as apparmor_parser reads a
 * mode string), or every permission of the class when it names none. Words that are not
 * permissions (an mqueue name written after them) are not counted.
 */
export function ruleBits(rule: MediationRule, table: PermissionTable): number {
  let bits = 0;
  for (const word of rule.permissions) bits |= wordBits(word.text, table) ?? 0;
  return bits === 0 ? table.all : bits;
}

function wordBits(word: string, table: PermissionTable): number | undefined {
  const known = table.words[word];
  if (known !== undefined) return known;
  if (!/^[rw]+$/.test(word)) return undefined;
  let bits = 0;
  for (const c of word) bits |= table.words[c] ?? 0;
  return bits;
}

/** The bits an access asks for; throws, naming the words the class has, on an unknown word. */
export function accessBits(permissions: Permissions | undefined, table: PermissionTable): number {
  if (typeof permissions === 'string') {
    const known = table.words[permissions];
    if (known !== undefined) return known;
  }
  const list = permissions === undefined ? [] : Array.isArray(permissions) ? permissions : [permissions];
  if (list.length === 0)
    throw new Error(
      `a ${table.className} access needs "access": one of ${Object.keys(table.words).join(', ')}`,
    );
  let bits = 0;
  for (const word of list) {
    const found = wordBits(word, table);
    if (found === undefined)
      throw new Error(
        `unknown ${table.className} permission "${word}" (use ${Object.keys(table.words).join(', ')})`,
      );
    bits |= found;
  }
  return bits;
}

/** The names of bits, for messages (`send, receive`). */
export function bitNames(bits: number, table: PermissionTable): string {
  const names: string[] = [];
  for (const [word, bit] of Object.entries(table.words))
    if (bits & bit && isSingleBit(bit) && !names.some((n) => table.words[n] === bit)) names.push(word);
  return names.join(', ');
}

function isSingleBit(bits: number): boolean {
  return bits !== 0 && (bits & (bits - 1)) === 0;
}
