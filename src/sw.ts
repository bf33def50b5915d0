/// <reference lib="webworker" />
/**
 * Utter's service worker: the app works offline after one visit, and is
 * cross-origin isolated even on hosts that cannot send headers.
 *
 *  - Precache: everything the build lists (app shell, models, onnxruntime's
 *    .mjs/.wasm) goes into one cache named after the build's content, so a new
 *    deploy gets a new cache and `activate` deletes the old ones.
 *  - Isolation: every response it serves gets COOP/COEP/CORP headers, which is
 *    what makes `crossOriginIsolated` true (and SharedArrayBuffer available)
 *    on GitHub Pages and the like.
 *  - Updates: a new version installs and then waits; the page asks the person
 *    and sends `skip-waiting` only when they choose to reload.
 *  - Only same-origin GETs are handled; nothing is ever sent anywhere else.
 */
import { CACHE_HEADER, type ServiceWorkerMessage, type ServiceWorkerNotice } from './shared/sw-protocol';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: { url: string; revision: string | null }[];
};

// The plugin can list a file twice (the web manifest); Cache.addAll rejects duplicates.
const manifest = [...new Map(self.__WB_MANIFEST.map((e) => [e.url, e])).values()];
const CACHE_PREFIX = 'utter-precache-';
const CACHE_NAME = `${CACHE_PREFIX}${contentHash(manifest.map((e) => `${e.url}@${e.revision ?? ''}`).join('\n'))}`;
const scopeUrl = new URL(self.registration.scope);
const INDEX_URL = new URL('index.html', scopeUrl).href;

/** FNV-1a: a short, stable name for "this exact set of files". */
function contentHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

async function notifyClients(notice: ServiceWorkerNotice): Promise<void> {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(notice);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      try {
        // `cache: 'reload'` so the HTTP cache cannot hand back a stale file under a new revision.
        let done = 0;
        await Promise.all(
          manifest.map(async (entry) => {
            await cache.add(new Request(new URL(entry.url, scopeUrl).href, { cache: 'reload' }));
            await notifyClients({ type: 'precache-progress', done: ++done, total: manifest.length });
          }),
        );
      } catch (error) {
        await caches.delete(CACHE_NAME); // never leave a half-filled cache behind
        const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
        await notifyClients({
          type: 'precache-failed',
          quota,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
      // The very first install has no older version to wait for.
      if (!self.registration.active) await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE_NAME).map((n) => caches.delete(n)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const message = event.data as ServiceWorkerMessage;
  if (message?.type === 'skip-waiting') void self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== scopeUrl.origin) return;
  event.respondWith(respond(request));
});

async function respond(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE_NAME);
  // Navigations anywhere in scope get the app shell; query strings (e.g. ?bench) are not part of the key.
  const key = request.mode === 'navigate' ? INDEX_URL : request.url;
  const cached = await cache.match(key, { ignoreSearch: request.mode === 'navigate' });
  const response = cached ?? (await fetch(request));
  return needsRewrite(request) ? isolate(response, cached !== undefined) : response;
}

/**
 * Only documents and worker scripts need the isolation headers (same-origin
 * subresources pass COEP as they are); model files get the header that tells
 * the loader they came from the offline copy. Everything else is returned
 * untouched, which keeps the browser's compiled-code cache for the 14–27 MB
 * WebAssembly runtime working.
 */
function needsRewrite(request: Request): boolean {
  return (
    request.mode === 'navigate' ||
    request.destination === 'document' ||
    request.destination === 'worker' ||
    request.destination === 'sharedworker' ||
    new URL(request.url).pathname.endsWith('.onnx')
  );
}

/** Adds the headers that make the page cross-origin isolated. Opaque responses cannot be rewritten. */
function isolate(response: Response, fromCache: boolean): Response {
  if (response.status === 0 || response.type === 'opaqueredirect') return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  if (fromCache) headers.set(CACHE_HEADER, 'cache');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
