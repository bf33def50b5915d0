/** Messages between the page and the service worker. */

/** Page → service worker. */
export type ServiceWorkerMessage = { type: 'skip-waiting' };

/** Service worker → pages. */
export type ServiceWorkerNotice =
  | { type: 'precache-progress'; done: number; total: number }
  | { type: 'precache-failed'; quota: boolean; message: string };

/** Set on responses the service worker served from its cache, so loading can say "from the offline copy". */
export const CACHE_HEADER = 'X-Utter-Source';
