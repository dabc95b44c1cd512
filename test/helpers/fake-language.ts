/**
 * A minimal language for testing the runner on its own: every line containing BAD is a finding of
 * `test/bad-word`, every line containing MEH one of `test/meh-word`.
 */
import type { Language } from '../../src/core/language.js';
import { defineRule } from '../../src/core/rule.js';

export const badWord = defineRule({
  meta: {
    id: 'test/bad-word',
    severity: 'error',
    type: 'problem',
    description: 'The word BAD.',
    remediation: 'Write another word.',
    docs: {
      rationale: 'A rule of the test language only.',
      bad: [{ path: 'a.fake', text: 'a BAD line\n' }],
      good: [{ path: 'a.fake', text: 'a good line\n' }],
    },
  },
  messages: { bad: 'the word {{word}} is not allowed' },
});

export const mehWord = defineRule({
  meta: {
    id: 'test/meh-word',
    severity: 'warning',
    type: 'suggestion',
    description: 'The word MEH.',
    remediation: 'Say it plainly.',
    docs: {
      rationale: 'A rule of the test language only.',
      bad: [{ path: 'a.fake', text: 'a MEH line\n' }],
      good: [{ path: 'a.fake', text: 'a plain line\n' }],
    },
  },
  messages: { meh: 'MEH is weak' },
});

export const fakeLanguage: Language = {
  kind: 'falco',
  defaultPaths: ['policies/falco/**/*.yaml', 'policies/falco/**/*.yml'],
  rules: [badWord, mehWord],
  sniff: (file) => file.text.includes('FAKE'),
  lint(files, context) {
    for (const file of files) {
      for (const match of file.text.matchAll(/BAD|MEH/g)) {
        const range = { start: match.index ?? 0, end: (match.index ?? 0) + match[0].length };
        if (match[0] === 'BAD')
          context.report({ rule: badWord, messageId: 'bad', data: { word: 'BAD' }, file: file.path, range });
        else context.report({ rule: mehWord, messageId: 'meh', file: file.path, range });
      }
    }
  },
};
