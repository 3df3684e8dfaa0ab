import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'target/', '.kpi/', 'scratch/', 'tests/fixtures/', 'src/docs/site/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // Sentinels in text that a regex later finds again.
      'no-control-regex': 'off',
    },
  },
  {
    // These files patch nunjucks' lexer, parser, compiler and runtime, whose internals have no types.
    files: [
      'src/template/{jinja-compat,jinja-nodes,call-spread,dict-literals,do-extension,loop-extras,set-statement,python-operators,python-members,python-methods,filters,jinja-tests}.ts',
      'src/template/{conditional-expressions,for-statement,loop-controls,string-literals,subscript-syntax,test-expressions,unsupported-constructs,with-statement}.ts',
    ],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  prettier,
);
