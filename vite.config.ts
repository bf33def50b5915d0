import preact from '@preact/preset-vite';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import packageJson from './package.json' with { type: 'json' };
import { AUDIO_FILE_TYPES, NEW_DICTATION_URL } from './src/engine/launch';
import { SHARE_ACCEPT, SHARE_FILES_FIELD, SHARE_TARGET_ACTION } from './src/engine/share-target';
import { CONTENT_SECURITY_POLICY } from './src/shared/sw-protocol';

/** SharedArrayBuffer (the audio ring, ort threads) needs a cross-origin isolated page. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Where index.html wants the policy: right after the charset, before any script or stylesheet. */
const CSP_PLACEHOLDER = '<!-- Content-Security-Policy (added by the build) -->';

/**
 * Puts the Content-Security-Policy into the built index.html as a <meta>, so
 * any static host serves it. Build only: Vite's dev server injects styles and
 * its client in ways a strict policy would block.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'utter-csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      if (!html.includes(CSP_PLACEHOLDER)) throw new Error(`index.html lacks ${CSP_PLACEHOLDER}`);
      // The policy has no double quotes or ampersands, so it needs no escaping inside the attribute.
      return html.replace(
        CSP_PLACEHOLDER,
        `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      );
    },
  };
}

/** Shown in the UI; tests build two versions with different values to exercise updates. */
const APP_VERSION = process.env.UTTER_VERSION ?? packageJson.version;

// `vite build --mode bench` (npm run bench) builds dist-bench/ with the benchmark's hooks; every other build leaves them out.
export default defineConfig(({ mode }) => ({
  // Relative URLs: dist/ works from any static host and under any sub-path.
  base: './',
  define: { __APP_VERSION__: JSON.stringify(APP_VERSION), __BENCH__: JSON.stringify(mode === 'bench') },
  plugins: [
    preact(),
    contentSecurityPolicyMeta(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // We register and prompt ourselves (src/app/offline.ts).
      injectRegister: false,
      registerType: 'prompt',
      injectManifest: {
        rollupFormat: 'iife',
        globPatterns: ['**/*.{html,js,css,svg,png,webmanifest,onnx,wasm,mjs}'],
        // The models (20 MB decoder) and the WebGPU runtime (27 MB) are the app: cache them deliberately.
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
      },
      manifest: {
        name: 'Utter — private dictation',
        short_name: 'Utter',
        description: 'Dictation that runs entirely in your browser. Your voice never leaves this device.',
        display: 'standalone',
        theme_color: '#1f3a5f',
        background_color: '#f6f7f9',
        start_url: './',
        scope: './',
        id: './',
        // The installed app as a dictation tool (src/app/launch.ts): one window, a shortcut, audio files
        // opened with it or shared with it (the service worker receives the share: src/sw.ts).
        launch_handler: { client_mode: 'focus-existing' },
        shortcuts: [
          {
            name: 'New dictation',
            short_name: 'Dictate',
            description: 'Start dictating in a new session',
            url: NEW_DICTATION_URL,
            icons: [{ src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' }],
          },
        ],
        file_handlers: [{ action: './', accept: AUDIO_FILE_TYPES }],
        share_target: {
          action: SHARE_TARGET_ACTION,
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: SHARE_FILES_FIELD, accept: SHARE_ACCEPT }] },
        },
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        screenshots: [
          {
            src: 'screenshots/wide.png',
            sizes: '1280x800',
            type: 'image/png',
            form_factor: 'wide',
            label: 'Dictating in Utter',
          },
          {
            src: 'screenshots/narrow.png',
            sizes: '540x960',
            type: 'image/png',
            form_factor: 'narrow',
            label: 'Utter on a phone',
          },
        ],
      },
    }),
  ],
  resolve: {
    // onnxruntime-web's "extern wasm" builds import their .mjs/.wasm at run time
    // from ort.env.wasm.wasmPaths (our public/ort/), instead of inlining them.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    outDir: mode === 'bench' ? 'dist-bench' : 'dist',
  },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: ISOLATION_HEADERS, host: '127.0.0.1' },
  preview: { headers: ISOLATION_HEADERS, host: '127.0.0.1' },
}));
