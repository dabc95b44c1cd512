/**
 * The name of a schema's precompiled validator (dist/validators/<key>.cjs): a hash of the schema's
 * JSON text, so that a validator built from another version of the schema is never used. Two
 * 32-bit FNV-1a hashes with different seeds, written as 16 hex digits: cheap enough to compute at
 * every start, which loading node:crypto for a SHA-256 is not (about 10 ms).
 */
export function schemaKey(schema: unknown): string {
  const text = JSON.stringify(schema);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
