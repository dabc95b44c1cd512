/**
 * A small policy language that exists only in tests, to prove that a kind is one entry in the
 * languages list: `.note` files under policies/note/, one rule (a line in capitals shouts), and one
 * test case kind (`note: {text, shouts}`). No impact section and no renderer.
 */
import type { SourceFile } from '../../src/core/source.js';
import type { YamlMap } from '../../src/core/yaml.js';
import { pairOf } from '../../src/core/yaml.js';
import { defineRule } from '../../src/core/rule.js';
import type { PolicyLanguage } from '../../src/languages/index.js';

const shout = defineRule({
  meta: {
    id: 'note/shout',
    severity: 'error',
    type: 'suggestion',
    description: 'A note line written in capitals.',
    remediation: 'Write notes in sentence case.',
    docs: {
      rationale: 'Capitals read as shouting.',
      bad: [{ path: 'policies/note/a.note', text: 'NOTE: SHOUT\n' }],
      good: [{ path: 'policies/note/a.note', text: 'NOTE: quiet\n' }],
    },
  },
  messages: { shout: 'line "{{line}}" shouts: write it in sentence case' },
});

const shouts = (line: string): boolean => /[A-Z]/.test(line) && line === line.toUpperCase();

function scalar(body: YamlMap, key: string): string | undefined {
  const value = pairOf(body, key)?.value;
  return value?.kind === 'scalar' ? value.text : undefined;
}

export const noteLanguage: PolicyLanguage = {
  kind: 'note',
  defaultPaths: ['policies/note/**/*.note'],
  rules: [shout],
  sniff: (file: SourceFile) => file.text.startsWith('NOTE:'),
  lint(files, context) {
    for (const file of files) {
      let offset = 0;
      for (const line of file.text.split('\n')) {
        if (shouts(line))
          context.report({
            rule: shout,
            messageId: 'shout',
            data: { line },
            file: file.path,
            range: { start: offset, end: offset + line.length },
          });
        offset += line.length + 1;
      }
    }
  },
  testCases: async () => [
    {
      key: 'note',
      validate: () => [],
      evaluate(body) {
        const text = scalar(body, 'text') ?? '';
        const expected = scalar(body, 'shouts') === 'true';
        const actual = shouts(text);
        return actual === expected
          ? { passed: true, message: '' }
          : { passed: false, message: `"${text}" ${actual ? 'shouts' : 'does not shout'}` };
      },
    },
  ],
};
