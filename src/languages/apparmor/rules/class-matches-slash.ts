import { defineRule } from '../../../core/rule.js';
import type { CheckContext } from './context.js';
import { NGINX_RULES, PROFILE_FILE, profile } from './examples.js';

export const classMatchesSlash = defineRule({
  meta: {
    id: 'apparmor/class-matches-slash',
    severity: 'warning',
    type: 'suggestion',
    description: 'A negated character class such as [^1-9] in a path, which also matches "/".',
    remediation: 'Add `/` to the negated class (`[^0-9/]`) so that it stays within one path component.',
    docs: {
      rationale:
        'In AppArmor, `[^1-9]` matches any character but 1 to 9, **including `/`**, so inside a path component it can cross into a subdirectory: `/proc/1[^0-9]x` also matches `/proc/1/x`. This is how `/proc` and `/sys` rules end up denying (or allowing) more than intended. Add `/` to the class: `[^1-9/]`. A class right after `/` is harmless (paths never hold `//`).',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  deny /proc/1[^0-9]*/mem rw,
`,
          ),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text: profile(
            NGINX_RULES +
              `  deny /proc/1[^0-9/]*/mem rw,
`,
          ),
        },
      ],
    },
  },
  messages: { slash: '"{{cls}}" also matches "/" here; write "{{fixed}}"' },
  check: checkClassMatchesSlash,
});

function checkClassMatchesSlash(context: CheckContext): void {
  for (const profile of context.model.profiles) {
    for (const { rule, file } of profile.rules) {
      if (file !== context.file || (rule.kind !== 'file' && rule.kind !== 'link')) continue;
      const path = rule.path;
      if (!path) continue;
      const text = path.text;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '\\') {
          i++;
          continue;
        }
        if (c !== '[') continue;
        let end = i + 1;
        if (text[end] === '^') end++;
        if (text[end] === ']') end++;
        while (end < text.length && text[end] !== ']') end += text[end] === '\\' ? 2 : 1;
        const cls = text.slice(i, end + 1);
        const negated = cls.startsWith('[^');
        const previous = text[i - 1];
        // Right after a slash (or at the start of an alternative) a match of "/" would need "//".
        const atComponentStart =
          previous === '/' ||
          ((previous === '{' || previous === ',') &&
            text[i - 2] !== '\\' &&
            alternativeFollowsSlash(text, i));
        if (negated && !cls.includes('/') && !atComponentStart) {
          context.report({
            rule: classMatchesSlash,
            messageId: 'slash',
            data: { cls, fixed: `${cls.slice(0, -1)}/]` },
            file,
            range: {
              start: path.start + (path.quoted ? 1 : 0) + i,
              end: path.start + (path.quoted ? 1 : 0) + end + 1,
            },
          });
        }
        i = end;
      }
    }
  }
}

/** Whether the alternation that holds position `at` opens right after a slash. */
function alternativeFollowsSlash(text: string, at: number): boolean {
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const c = text[i];
    if (c === '}') depth++;
    else if (c === '{') {
      if (depth === 0) return text[i - 1] === '/';
      depth--;
    }
  }
  return false;
}
