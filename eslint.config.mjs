import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

// Layer rules. Each area lists everything it may not import, in one place, because a later
// `no-restricted-imports` for the same files replaces an earlier one instead of adding to it.
// ARCHITECTURE.md explains each rule and how to add one.
const NODE = {
  group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'],
  message: 'browser code: the panel page never imports Node.',
};
const VSCODE = {
  name: 'vscode',
  message: 'Only src/editor, src/panel, src/extension.ts and src/commands.ts may import vscode.',
};
const NO_PAGE = {
  regex: '(^|/)webview(/|$)',
  message: 'Host code never imports the page (webview/); share through src/common.',
};
const PAGE_ONLY_SHARED = {
  regex: '^\\.\\./src/(?!common/)',
  message: 'The page reaches src/ only through src/common.',
};
const SHAPES_EVALUATOR = {
  regex: '(^|/)eval/(interp|modules|imports|dataflow)$',
  message: "src/shapes/library sees the interpreter only through eval/evaluator.ts's Evaluator.",
};
const SHARED_LEAF = {
  regex: '^\\.\\./(?!(sampling|training|shapes)/types$|sampling/samplers$)',
  message: "src/common imports only itself, the engines' types files and the sampler registry.",
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'media/**',
      'test-results/**',
      '**/*.vsix',
      'bench/results/**',
      '.vscode-test/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        globalThis: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Import cycles: none, anywhere in src/ and webview/ (an `import type` is not one).
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // The host: never the page.
    files: ['src/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_PAGE] }] },
  },
  {
    // Pure engines, the worker and the CLI: never the editor API, never the page.
    files: [
      'src/shapes/**',
      'src/training/**',
      'src/sampling/**',
      'src/worker/**',
      'src/cli.ts',
      'src/cli/**',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [VSCODE], patterns: [NO_PAGE] }] },
  },
  {
    // The shape engine's library (torch ops, layer rules): never the interpreter's implementation.
    files: ['src/shapes/library/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [VSCODE], patterns: [NO_PAGE, SHAPES_EVALUATOR] },
      ],
    },
  },
  {
    // What host and page share: runs in both, so neither Node nor vscode, and nothing of either side.
    files: ['src/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [VSCODE], patterns: [NODE, NO_PAGE, SHARED_LEAF] },
      ],
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'navigator',
        'process',
        'Buffer',
        'require',
      ],
    },
  },
  {
    // The page: browser code that reaches src/ only through src/common.
    files: ['webview/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [VSCODE], patterns: [NODE, PAGE_ONLY_SHARED] }],
    },
  },
);
