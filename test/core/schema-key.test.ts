/** The keys of the precompiled validators (src/core/schema-key.ts, scripts/build-validators.mjs). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemaKey } from '../../src/core/schema-key.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const schemas = readdirSync(join(root, 'schemas'))
  .filter((f) => f.endsWith('.schema.json'))
  .map((f) => JSON.parse(readFileSync(join(root, 'schemas', f), 'utf8')) as Record<string, unknown>);

describe('schemaKey', () => {
  it('is 16 hex digits, the same for the same schema and different for each of ours', () => {
    const keys = schemas.map(schemaKey);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(keys).size).toBe(schemas.length);
    expect(schemas.map((s) => schemaKey(JSON.parse(JSON.stringify(s))))).toEqual(keys);
  });

  it('changes with any change to a schema', () => {
    const schema = schemas[0] as Record<string, unknown>;
    expect(schemaKey({ ...schema, description: `${String(schema.description)}.` })).not.toBe(
      schemaKey(schema),
    );
    expect(schemaKey({ a: 1, b: 2 })).not.toBe(schemaKey({ a: 2, b: 1 }));
    expect(schemaKey({ a: 'x' })).not.toBe(schemaKey({ a: 'y' }));
  });

  it.skipIf(!existsSync(join(root, 'dist', 'validators')))(
    'names the validator the build precompiled for each schema',
    () => {
      for (const schema of schemas)
        expect(existsSync(join(root, 'dist', 'validators', `${schemaKey(schema)}.cjs`))).toBe(true);
    },
  );
});
