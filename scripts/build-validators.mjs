#!/usr/bin/env node
// Precompiles every JSON schema of the project (schemas/*.schema.json and src/**/*.schema.json)
// into a standalone ajv validator under dist/validators/, named by a hash of the schema's content
// (src/core/schema-key.ts, built into dist/src first), so that a command validates without loading
// and compiling ajv at start-up (about 100 ms). src/core/schema.ts uses a precompiled validator
// only when its key matches the schema it is given.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { schemaKey } from '../dist/src/core/schema-key.js';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'dist', 'validators');

function findSchemas(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findSchemas(path));
    else if (entry.name.endsWith('.schema.json')) found.push(path);
  }
  return found;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const files = [...findSchemas(join(root, 'schemas')), ...findSchemas(join(root, 'src'))];
for (const file of files) {
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  const hash = schemaKey(schema);
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, code: { source: true } });
  const validate = ajv.compile(schema);
  writeFileSync(join(out, `${hash}.cjs`), standaloneCode.default(ajv, validate));
}
process.stdout.write(`precompiled ${files.length} schema validator(s) into dist/validators/\n`);
