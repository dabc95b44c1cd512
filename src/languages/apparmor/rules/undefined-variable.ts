import { PROFILE_FILE, profile } from './examples.js';
import { defineRule } from '../../../core/rule.js';

export const undefinedVariable = defineRule({
  meta: {
    id: 'apparmor/undefined-variable',
    severity: 'error',
    type: 'problem',
    description: 'A variable used or appended to before it is defined.',
    remediation:
      'Define the variable before its use (`@{NAME} = value`), or include the file that defines it.',
    docs: {
      rationale:
        'apparmor_parser fails on `@{NAME}` when no `@{NAME} = ...` precedes it (usually in `tunables/global`, so include it) and on `@{NAME} +=` without a prior definition. Boolean variables (`$NAME`) in `if` must be defined too.',
      bad: [
        {
          path: PROFILE_FILE,
          text: profile(`  /usr/sbin/nginx mr,
  @{WEB_ROOT}/** r,
`),
        },
      ],
      good: [
        {
          path: PROFILE_FILE,
          text:
            `@{WEB_ROOT} = /srv/www

` +
            profile(`  /usr/sbin/nginx mr,
  @{WEB_ROOT}/** r,
`),
        },
      ],
    },
  },
  messages: {
    undefined: 'variable {{name}} is not defined{{hint}}',
    append: 'cannot append to {{name}}: it is not defined yet',
    redefined: 'variable {{name}} is already defined; use += to add values',
    empty: 'variable {{name}} has no value',
    recursive: 'variable {{name}} is defined in terms of itself',
    tooLarge:
      'variable {{name}} expands to {{size}} characters, over the limit of {{limit}}; no real profile comes near it: define it from fewer copies of other variables',
  },
});
