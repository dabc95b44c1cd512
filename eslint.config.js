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

const TYPED = ['src/**/*.ts', 'test/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/bench/', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Type-aware rules for the TypeScript sources and tests (a floating promise loses its error).
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: TYPED })),
  {
    files: TYPED,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An async function that does not await still turns a throw into a rejection, which its
      // callers (`run`, `.rejects` in tests) rely on: making it sync would change behaviour.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read the JSON the commands print and use vitest's asymmetric matchers, both typed
    // `any`; the promise rules, which catch an assertion that never runs, stay on.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Falco's evaluator compiles conditions to functions from code it writes itself (values
    // escaped by JSON.stringify or passed as arguments): the point of these three files.
    files: [
      'src/languages/falco/evaluate/chain.ts',
      'src/languages/falco/evaluate/compile.ts',
      'src/languages/falco/evaluate/fields.ts',
    ],
    rules: { '@typescript-eslint/no-implied-eval': 'off', '@typescript-eslint/no-unsafe-call': 'off' },
  },
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
