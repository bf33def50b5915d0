/** Messages between the page and the service worker, and the headers it sets. */

/**
 * Page → service worker. `page-loaded`: a page finished starting, so an older
 * version's tab it replaced may be gone and that version's cache deletable.
 */
export type ServiceWorkerMessage = { type: 'skip-waiting' } | { type: 'page-loaded' };

/** Service worker → pages. */
export type ServiceWorkerNotice =
  | { type: 'precache-progress'; done: number; total: number }
  /**
   * `firstInstall`: no earlier version is kept for offline use, so offline use
   * really is unavailable. A failed update leaves the running version's copy intact.
   */
  | { type: 'precache-failed'; quota: boolean; message: string; firstInstall: boolean };

/** Set on responses the service worker served from its cache, so loading can say "from the offline copy". */
export const CACHE_HEADER = 'X-Utter-Source';

/**
 * The Content-Security-Policy of every document and worker: only this origin's
 * scripts (plus compiling WebAssembly), workers and connections, so even
 * injected code cannot send audio or text anywhere else. Delivered as a
 * `<meta>` in index.html (any static host) and as a header by the service
 * worker, `npm start` (scripts/serve.mjs, which repeats it) and `_headers`.
 * onnxruntime's thread workers are same-origin module workers started from
 * `ort-wasm-simd-threaded.mjs`; it only uses `blob:` for a cross-origin
 * runtime, which we never configure, so `worker-src` needs nothing more.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Only meaningful as a header: browsers ignore `frame-ancestors` in a `<meta>`. */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;
