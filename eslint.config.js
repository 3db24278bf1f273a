// Lint rules, including the import direction between folders (see docs/ARCHITECTURE.md).
import tseslint from 'typescript-eslint';

const node = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'url', 'util', 'crypto', 'stream'];
const ui = ['react', 'react-dom', 'react/*', '@xyflow/*', 'electron', 'monaco-editor', 'uplot'];
const ort = ['onnxruntime-node', 'onnxruntime-web', 'onnxruntime-web/*', 'onnxruntime-common'];
const folders = (...names) => names.flatMap((n) => [`**/${n}`, `**/${n}/*`, `**/${n}/**`]);

/** A no-restricted-imports rule for one folder. */
const restrict = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tsbuild/**', 'out/**', 'tmp/**', '**/*.generated.*'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  restrict(
    ['graph-core/**/*.ts'],
    [...node, ...ui, ...ort, ...folders('exporters', 'runtime', 'renderer', 'electron', 'cli', 'templates', 'tests', 'build')],
    'graph-core is pure TypeScript: it may import nothing outside graph-core (no Node, DOM, UI or onnxruntime).',
  ),
  restrict(
    ['exporters/**/*.ts'],
    [...ui, ...ort, ...folders('runtime', 'renderer', 'electron', 'cli', 'templates')],
    'exporters may import graph-core only.',
  ),
  restrict(['runtime/**/*.ts'], [...ui, ...folders('renderer', 'electron', 'cli', 'templates')], 'runtime may import graph-core and exporters only.'),
  restrict(['templates/**/*.ts'], [...node, ...ui, ...ort, ...folders('exporters', 'runtime', 'renderer', 'electron', 'cli')], 'templates may import graph-core types only.'),
  restrict(['cli/**/*.ts'], [...ui, ...folders('renderer', 'electron')], 'the CLI may not import the renderer or Electron.'),
  restrict(
    ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    [...node, 'electron', ...folders('cli', 'bin', 'build', 'tests')],
    'the renderer reaches the OS only through the Host interface: no Node, no Electron, no CLI code (electron/ipc-contract types are allowed).',
  ),
  {
    ...restrict(
      ['electron/**/*.ts'],
      [...ui.filter((m) => m !== 'electron'), ...ort, ...folders('renderer/canvas', 'renderer/app', 'renderer/train', 'runtime', 'cli')],
      'electron/ holds the main process and preload only; training runs in electron/training-utility.ts.',
    ),
    ignores: ['electron/training-utility.ts'],
  },
  // The native training process: Electron glue around the renderer's training session and onnxruntime-node, nothing of the UI.
  restrict(['electron/training-utility.ts'], [...ui, 'onnxruntime-web', 'onnxruntime-web/*', ...folders('renderer/canvas', 'renderer/app', 'cli')], 'the training process runs the training session on onnxruntime-node only.'),
  { files: ['cli/**/*.ts', 'bench/**/*.ts', 'build/**/*.ts'], rules: { 'no-console': 'off' } },
);
