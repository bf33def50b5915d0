/// <reference lib="webworker" />
/**
 * Utter's service worker: the app works offline after one visit, and is
 * cross-origin isolated even on hosts that cannot send headers.
 *
 *  - Precache: everything the build lists (app shell, models, onnxruntime's
 *    .mjs/.wasm) goes into one cache named after the build's content. An
 *    update copies the files whose URL and revision did not change from the
 *    older cache and downloads only the rest (the 30 MB of models are not
 *    fetched again when only the app changed).
 *  - Several tabs: a tab still running an older version is served from that
 *    version's cache, which is kept until no page or worker that used it is left.
 *  - Isolation and CSP: documents and worker scripts get COOP/COEP/CORP and
 *    the Content-Security-Policy, which is what makes `crossOriginIsolated`
 *    true (and SharedArrayBuffer available) on GitHub Pages and the like.
 *  - Updates: a new version installs and then waits; the page asks the person
 *    and sends `skip-waiting` only when they choose to reload.
 *  - Share target: audio files shared with the installed app arrive as a POST
 *    to the manifest's action; they are kept (src/shared/share-inbox.ts) and
 *    the page is opened with the share's id to transcribe them.
 *  - Only same-origin GETs (and that POST) are handled; nothing is ever sent anywhere else.
 */
import { isShareRequest, newShareId, SHARE_FILES_FIELD, sharedUrl, sortShared } from './engine/share-target';
import { pruneShares, storeShare } from './shared/share-inbox';
import {
  CACHE_HEADER,
  CONTENT_SECURITY_POLICY_HEADER,
  type ServiceWorkerMessage,
  type ServiceWorkerNotice,
} from './shared/sw-protocol';

interface PrecacheEntry {
  url: string;
  /** null when the file name itself carries a content hash. */
  revision: string | null;
}

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: PrecacheEntry[] };

// The plugin can list a file twice (the web manifest); Cache.addAll rejects duplicates.
const manifest = [...new Map(self.__WB_MANIFEST.map((e) => [e.url, e])).values()];
const CACHE_PREFIX = 'utter-precache-';
const CACHE_NAME = `${CACHE_PREFIX}${contentHash(manifest.map((e) => `${e.url}@${e.revision ?? ''}`).join('\n'))}`;
const scopeUrl = new URL(self.registration.scope);
const INDEX_URL = new URL('index.html', scopeUrl).href;
/** Each precache also holds its own manifest, written last: the next version reads it to know what it may reuse. */
const MANIFEST_KEY = new URL('__utter/precache-manifest.json', scopeUrl).href;
/** Which older caches are still in use, and by which clients (see {@link Retired}). */
const META_CACHE = 'utter-meta';
const RETIRED_KEY = new URL('__utter/retired.json', scopeUrl).href;

/**
 * Older versions' caches kept after an update, and the clients (tabs, and the
 * workers they start) that were loaded from them. Persisted, because the
 * browser stops an idle service worker and its memory with it.
 */
interface Retired {
  caches: string[];
  clients: string[];
}

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
      const firstInstall = !self.registration.active;
      const cache = await caches.open(CACHE_NAME);
      try {
        const reusable = await reusableEntries();
        let done = 0;
        await Promise.all(
          manifest.map(async (entry) => {
            const url = new URL(entry.url, scopeUrl).href;
            const previous = reusable.get(`${url}@${entry.revision}`);
            const old = previous && (await (await caches.open(previous)).match(url));
            // `cache: 'reload'` so the HTTP cache cannot hand back a stale file under a new revision.
            if (old) await cache.put(url, old);
            else await cache.add(new Request(url, { cache: 'reload' }));
            await notifyClients({ type: 'precache-progress', done: ++done, total: manifest.length });
          }),
        );
        await cache.put(MANIFEST_KEY, Response.json(manifest));
      } catch (error) {
        await caches.delete(CACHE_NAME); // never leave a half-filled cache behind
        const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
        const message = error instanceof Error ? error.message : String(error);
        await notifyClients({ type: 'precache-failed', quota, message, firstInstall });
        throw error;
      }
      // The very first install has no older version to wait for.
      if (firstInstall) await self.skipWaiting();
    })(),
  );
});

/**
 * `url@revision` → the older cache holding that exact file. A null revision
 * means the URL is content-hashed, so the same URL is the same file.
 */
async function reusableEntries(): Promise<Map<string, string>> {
  const reusable = new Map<string, string>();
  for (const name of await caches.keys()) {
    if (!name.startsWith(CACHE_PREFIX) || name === CACHE_NAME) continue;
    const listed = await (await caches.open(name)).match(MANIFEST_KEY);
    if (!listed) continue; // incomplete, or written by a version that did not record its manifest
    for (const entry of (await listed.json()) as PrecacheEntry[]) {
      reusable.set(`${new URL(entry.url, scopeUrl).href}@${entry.revision}`, name);
    }
  }
  return reusable;
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // Tabs open now were loaded from an older version and keep asking for its files (a lazy chunk,
      // a worker script on restart) until they reload: keep those caches while any of them is left.
      const older = (await caches.keys()).filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE_NAME);
      const open = await self.clients.matchAll({ type: 'all', includeUncontrolled: true });
      const retired = await readRetired();
      await writeRetired({
        caches: [...new Set([...retired.caches, ...older])],
        clients: [...new Set([...retired.clients, ...open.map((c) => c.id)])],
      });
      await self.clients.claim();
      await pruneRetired();
    })(),
  );
});

let retiredRecord: Promise<Retired> | null = null;

function readRetired(): Promise<Retired> {
  retiredRecord ??= (async () => {
    const stored = await (await caches.open(META_CACHE)).match(RETIRED_KEY);
    return stored ? ((await stored.json()) as Retired) : { caches: [], clients: [] };
  })();
  return retiredRecord;
}

async function writeRetired(record: Retired): Promise<void> {
  // With no older cache kept, no client counts as older (the very first install, or all pruned).
  const kept = record.caches.length > 0 ? record : { caches: [], clients: [] };
  retiredRecord = Promise.resolve(kept);
  const meta = await caches.open(META_CACHE);
  if (kept.caches.length === 0) await meta.delete(RETIRED_KEY);
  else await meta.put(RETIRED_KEY, Response.json(kept));
}

/** Forgets clients that are gone, and deletes the older caches once none is left. */
async function pruneRetired(): Promise<void> {
  const retired = await readRetired();
  if (retired.caches.length === 0) return;
  const open = new Set((await self.clients.matchAll({ type: 'all', includeUncontrolled: true })).map((c) => c.id));
  const clients = retired.clients.filter((id) => open.has(id));
  if (clients.length > 0) {
    if (clients.length < retired.clients.length) await writeRetired({ caches: retired.caches, clients });
    return;
  }
  await Promise.all(retired.caches.map((name) => caches.delete(name)));
  await writeRetired({ caches: [], clients: [] });
}

self.addEventListener('message', (event) => {
  const message = event.data as ServiceWorkerMessage;
  if (message?.type === 'skip-waiting') void self.skipWaiting();
  // The page that sent this has replaced whatever document its tab showed before.
  else if (message?.type === 'page-loaded') event.waitUntil(pruneRetired().catch(() => {}));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (isShareRequest(request.method, request.url, scopeUrl.href)) {
    event.respondWith(receiveShare(request));
    return;
  }
  if (request.method !== 'GET' || url.origin !== scopeUrl.origin) return;
  event.respondWith(respond(event));
  // A reload or a newly opened page is the moment an older version's last tab may have gone.
  if (request.mode === 'navigate') event.waitUntil(pruneRetired().catch(() => {}));
});

/**
 * Keeps the shared audio files and sends the page to pick them up. 303: the
 * browser follows with a GET, so a reload of the app never re-sends the share.
 * A share without audio is kept too (empty), so the page can say so.
 */
async function receiveShare(request: Request): Promise<Response> {
  const id = newShareId(Date.now(), crypto.getRandomValues(new Uint32Array(1))[0] ?? 0);
  const form = await request.formData().catch(() => new FormData());
  const files = form.getAll(SHARE_FILES_FIELD).filter((value): value is File => value instanceof File);
  const { audio, ignored } = sortShared(files);
  await storeShare(id, audio, ignored);
  await pruneShares(Date.now()).catch(() => {});
  return Response.redirect(new URL(sharedUrl(id), scopeUrl).href, 303);
}

async function respond(event: FetchEvent): Promise<Response> {
  const request = event.request;
  const navigate = request.mode === 'navigate';
  // Navigations anywhere in scope get the app shell; query strings (e.g. ?bench) are not part of the key.
  const key = navigate ? INDEX_URL : request.url;
  const retired = await readRetired();
  const fromOlder = event.clientId !== '' && retired.clients.includes(event.clientId);
  // A worker started by an older tab belongs to that older version too.
  if (fromOlder && event.resultingClientId && isWorker(request)) {
    retired.clients.push(event.resultingClientId); // in place, so two workers starting at once are both kept
    await writeRetired(retired);
  }
  // Pages of this version look in its own cache first; pages of an older one in theirs.
  const order = fromOlder && !navigate ? [...retired.caches, CACHE_NAME] : [CACHE_NAME, ...retired.caches];
  let cached: Response | undefined;
  for (const name of order) {
    // ignoreVary: a host's `Vary` must not turn a file we hold into a miss while offline.
    cached = await (await caches.open(name)).match(key, { ignoreSearch: navigate, ignoreVary: true });
    if (cached) break;
  }
  const response = cached ?? (await fetch(request));
  return needsRewrite(request) ? isolate(request, response, cached !== undefined) : response;
}

function isWorker(request: Request): boolean {
  return request.destination === 'worker' || request.destination === 'sharedworker';
}

function isDocument(request: Request): boolean {
  return request.mode === 'navigate' || request.destination === 'document';
}

/**
 * Only documents and worker scripts need the isolation and CSP headers
 * (same-origin subresources pass COEP as they are); model files get the
 * header that tells the loader they came from the offline copy. Everything
 * else is returned untouched, which keeps the browser's compiled-code cache
 * for the 14–27 MB WebAssembly runtime working.
 */
function needsRewrite(request: Request): boolean {
  return isDocument(request) || isWorker(request) || new URL(request.url).pathname.endsWith('.onnx');
}

/** Adds the headers that make the page cross-origin isolated. Opaque responses cannot be rewritten. */
async function isolate(request: Request, response: Response, fromCache: boolean): Promise<Response> {
  if (response.status === 0 || response.type === 'opaqueredirect') return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  // A worker's CSP comes from its own script's response, not from the page that starts it.
  if (isDocument(request) || isWorker(request)) headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY_HEADER);
  if (fromCache) headers.set(CACHE_HEADER, 'cache');
  // A cached body handed over as a Blob is passed along by the browser without going through
  // this thread chunk by chunk (28 MB of models on every start); a network body keeps streaming.
  const body = fromCache ? await response.blob() : response.body;
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}
