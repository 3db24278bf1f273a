/**
 * Vite config for the renderer: `npm run web` serves it at http://127.0.0.1:5173, `npm run build:web` writes
 * the production build to dist/web (relative URLs, so Electron can load it from its own protocol).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../renderer', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));
const server = { host: '127.0.0.1', port: 5173, strictPort: true } as const;

export default defineConfig(({ command }) => {
  const isBuild = command === 'build';
  return {
    root,
    base: './',
    // React's JSX runtime must match React's own build: development for `vite`, production for `vite build`.
    esbuild: { jsx: 'automatic', jsxDev: !isBuild },
    // NOTE: a build is always a production build, even when NODE_ENV says otherwise (Vitest sets it to `test`).
    define: isBuild ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 2000,
      rollupOptions: {
        // Dependencies' `@__PURE__` comments in places Rollup cannot use (zod) and React Server Components'
        // "use client" directives (@xyflow/react) mean nothing in this bundle; the warnings are noise.
        onwarn(warning, warn) {
          const fromDependency = (warning.id ?? '').includes('node_modules');
          if (fromDependency && (warning.code === 'INVALID_ANNOTATION' || warning.code === 'MODULE_LEVEL_DIRECTIVE')) return;
          warn(warning);
        },
      },
    },
    server,
    preview: server,
  };
});
