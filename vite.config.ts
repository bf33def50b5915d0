import preact from '@preact/preset-vite';
import { defaultClientConditions, defineConfig } from 'vite';

/** SharedArrayBuffer (the audio ring, ort threads) needs a cross-origin isolated page. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  // Relative URLs: dist/ works from any static host and under any sub-path.
  base: './',
  plugins: [preact()],
  resolve: {
    // onnxruntime-web's "extern wasm" builds import their .mjs/.wasm at run time
    // from ort.env.wasm.wasmPaths (our public/ort/), instead of inlining them.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: ISOLATION_HEADERS, host: '127.0.0.1' },
  preview: { headers: ISOLATION_HEADERS, host: '127.0.0.1' },
});
