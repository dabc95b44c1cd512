/**
 * Whether RE2 (the engine behind Falco's `regex` operator) accepts a pattern. RE2 refuses the
 * backtracking features other engines have (lookaround, backreferences, possessive and atomic
 * constructs); what remains is checked with JavaScript's parser once RE2-only syntax
 * (`(?P<name>`, inline flags) is rewritten to its JavaScript equivalent.
 */
const UNSUPPORTED: readonly [RegExp, string][] = [
  [/\(\?<?[=!]/, 'lookaround assertions ((?=, (?!, (?<=, (?<!) are not supported'],
  [/\\[1-9]/, 'backreferences (\\1...) are not supported'],
  [/\(\?>/, 'atomic groups ((?>...)) are not supported'],
  [/(?:[*+?}])\+/, 'possessive quantifiers (*+, ++, ?+) are not supported'],
  [/\(\?\(/, 'conditionals ((?(...)) are not supported'],
  [/\\[ZG]/, '\\Z and \\G are not supported'],
];

export function re2Problem(pattern: string): string | undefined {
  // Escaped backslashes first, so that `\\1` (a backslash then 1) is not a backreference.
  const scrubbed = pattern.replace(/\\\\/g, '');
  for (const [re, message] of UNSUPPORTED) if (re.test(scrubbed)) return message;
  const js = pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?[imsU]+\)/g, '')
    .replace(/\(\?[imsU]*(?:-[imsU]+)?:/g, '(?:');
  try {
    new RegExp(js);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : 'invalid';
  }
}
