/**
 * Vite config of the WebGPU training check page (index.html + main.ts here). tests/e2e/webgpu-train.test.ts
 * builds it into a temporary folder; by hand: `npx vite build -c tests/e2e/webgpu/vite.config.ts --outDir DIR`.
 *
 * onnxruntime-web is left out of dependency pre-bundling (its import.meta.url lookups break there) and is
 * resolved to its "extern wasm" build, which loads ort-wasm-simd-threaded.asyncify.{mjs,wasm} at run time
 * from beside the bundle: the plugin below copies those two files there.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/webgpu'));
/** What onnxruntime-web/webgpu (WebGPU and WASM EPs) loads at run time. */
export const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

function ortRuntimeFiles(): Plugin {
  return {
    name: 'layerloom:ort-runtime-files',
    apply: 'build',
    generateBundle() {
      for (const fileName of ORT_RUNTIME_FILES) this.emitFile({ type: 'asset', fileName, source: readFileSync(join(ortDist, fileName)) });
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  plugins: [ortRuntimeFiles()],
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    outDir: join(here, 'dist'),
    emptyOutDir: true,
    // Everything in one folder, so the bundle's own URL is where onnxruntime-web finds its files.
    assetsDir: '',
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      // zod's sources carry /* @__PURE__ */ comments Rollup cannot place; the warning is noise here.
      onwarn: (w, warn) => (w.code === 'INVALID_ANNOTATION' && w.id?.includes('/node_modules/') ? undefined : warn(w)),
    },
  },
});
