/**
 * Files shared with the installed app, kept between the service worker that
 * receives the share and the page that transcribes it: one Cache Storage
 * cache per share (the Cache API exists in both, and holds a File without
 * reading it into memory). The page deletes each file once transcribed and
 * the share when done; the service worker deletes shares nobody picked up.
 */
import { isStaleShare } from '../engine/share-target';

const CACHE_PREFIX = 'utter-share-';
/** Relative keys resolve next to the service worker's script and the page alike: the scope. */
const FILE_KEY = /\/__utter\/share\/(\d+)$/;
const RECORD_KEY = '__utter/share/record.json';
/** File names are not ASCII-safe header values: kept percent-encoded. */
const NAME_HEADER = 'X-Utter-File-Name';

interface ShareRecord {
  /** Names of shared files that are not audio, for the message. */
  ignored: string[];
}

export interface SharedFile {
  file: File;
  /** Its entry in the share's cache, to delete once transcribed. */
  key: Request;
}

export interface Share {
  files: SharedFile[];
  ignored: string[];
}

/** Keeps a share's audio files (the record is written last: a share without it is incomplete). */
export async function storeShare(id: string, audio: readonly File[], ignored: readonly string[]): Promise<void> {
  const cache = await caches.open(CACHE_PREFIX + id);
  await Promise.all(
    audio.map((file, index) =>
      cache.put(
        `__utter/share/${index}`,
        new Response(file, {
          headers: {
            'Content-Type': file.type || 'application/octet-stream',
            [NAME_HEADER]: encodeURIComponent(file.name),
          },
        }),
      ),
    ),
  );
  await cache.put(RECORD_KEY, Response.json({ ignored: [...ignored] } satisfies ShareRecord));
}

/** The share with this id, its files in the order shared; null if there is none (or it is incomplete). */
export async function openShare(id: string): Promise<Share | null> {
  const name = CACHE_PREFIX + id;
  if (!(await caches.has(name))) return null;
  const cache = await caches.open(name);
  const record = await cache.match(RECORD_KEY);
  if (!record) return null;
  const { ignored } = (await record.json()) as ShareRecord;
  const indexed = (await cache.keys()).flatMap((key) => {
    const match = FILE_KEY.exec(new URL(key.url).pathname);
    return match ? [{ key, index: Number(match[1]) }] : [];
  });
  indexed.sort((a, b) => a.index - b.index);
  const files: SharedFile[] = [];
  for (const { key, index } of indexed) {
    const response = await cache.match(key);
    if (!response) continue;
    const blob = await response.blob();
    const fileName = decodeURIComponent(response.headers.get(NAME_HEADER) ?? '') || `shared-${index + 1}`;
    files.push({ key, file: new File([blob], fileName, { type: blob.type }) });
  }
  return { files, ignored };
}

export async function removeSharedFile(id: string, key: Request): Promise<void> {
  await (await caches.open(CACHE_PREFIX + id)).delete(key);
}

export async function deleteShare(id: string): Promise<void> {
  await caches.delete(CACHE_PREFIX + id);
}

/** Deletes shares nobody picked up (the page was closed before it could). */
export async function pruneShares(nowMs: number): Promise<void> {
  const stale = (await caches.keys()).filter(
    (name) => name.startsWith(CACHE_PREFIX) && isStaleShare(name.slice(CACHE_PREFIX.length), nowMs),
  );
  await Promise.all(stale.map((name) => caches.delete(name)));
}
