/** A throw-away policy language for the impact tests: each line holding TODO is a finding. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Language } from '../../src/core/language.js';
import { RuleRegistry } from '../../src/core/registry.js';
import { defineRule } from '../../src/core/rule.js';
import { coreRules } from '../../src/core/rules.js';
import { writeFiles } from '../helpers/tree.js';

const todoRule = defineRule({
  meta: {
    id: 'falco/no-todo',
    severity: 'error',
    type: 'suggestion',
    description: 'A TODO left in a rules file.',
    remediation: 'TODO-REMEDIATION',
    docs: {
      rationale: 'Test rule.',
      bad: [{ path: 'TODO', text: 'TODO' }],
      good: [{ path: 'TODO', text: 'TODO' }],
    },
  },
  messages: { todo: 'TODO left: {{text}}' },
});

export const todoLanguage: Language = {
  kind: 'falco',
  defaultPaths: ['policies/falco/**/*.yaml', 'policies/falco/**/*.yml'],
  rules: [todoRule],
  sniff: () => false,
  lint(files, context) {
    for (const file of files) {
      let offset = 0;
      for (const line of file.text.split('\n')) {
        const at = line.indexOf('TODO');
        if (at !== -1)
          context.report({
            rule: todoRule,
            messageId: 'todo',
            data: { text: line.slice(at + 5).trim() },
            file: file.path,
            range: { start: offset + at, end: offset + line.length },
          });
        offset += line.length + 1;
      }
    }
  },
};

export const testRegistry = new RuleRegistry([...coreRules, todoRule]);

export function writeTree(
  files: Record<string, string>,
  root: string = mkdtempSync(join(tmpdir(), 'chs-tree-')),
): string {
  return writeFiles(root, files);
}
