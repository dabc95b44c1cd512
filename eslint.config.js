import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NO_GITLAB_OR_KUBE = {
  group: ['**/gitlab/**', '**/kube/**', '@gitbeaker/*', '@kubernetes/*'],
  message: 'languages and core never import gitlab/ or kube/',
};

/** Outside a language, only its index.ts (its public API) and the languages list are imported. */
const LANGUAGE_API_ONLY = {
  regex: '(^|/)languages/[a-z-]+/(?!index\\.js$)',
  message:
    'import a language through its index.ts (its public API); when it lacks what you need, export it there',
};

/** The preview's sections, one per kind: each stands alone. */
const IMPACT_PROVIDERS = [
  'src/impact/falco.ts',
  'src/impact/apparmor.ts',
  'src/impact/seccomp.ts',
  'src/impact/pod-security.ts',
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/bench/', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-control-regex': 'off',
    },
  },
  {
    // CommonJS sources (the launcher) import with `import x = require(...)`, as TypeScript wants.
    files: ['**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }] },
  },
  {
    files: ['src/languages/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_GITLAB_OR_KUBE] }] },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_GITLAB_OR_KUBE,
            { group: ['**/languages/**'], message: 'core names no language: languages plug into it' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**'],
    ignores: ['src/languages/**', 'src/core/**', ...IMPACT_PROVIDERS],
    rules: { 'no-restricted-imports': ['error', { patterns: [LANGUAGE_API_ONLY] }] },
  },
  {
    files: IMPACT_PROVIDERS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            LANGUAGE_API_ONLY,
            {
              regex: '^\\./(falco|apparmor|seccomp|pod-security)\\.js$',
              message:
                'an impact provider does not import another: move what they share into a module of its own (as profile-references.ts)',
            },
          ],
        },
      ],
    },
  },
);
