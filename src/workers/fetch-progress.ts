import { CACHE_HEADER } from '../shared/sw-protocol';
import type { LoadMode, ModelUrls, ProgressCallback } from '../shared/types';

/**
 * Fetches a file from the app's own origin, reporting bytes as they arrive so
 * the Start button can show real progress while ~45 MB of models and runtime
 * load.
 */
export async function fetchWithProgress(url: string, label: string, onProgress: ProgressCallback): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not load ${label} (${response.status} ${response.statusText}) from ${url}`);
  const total = Number(response.headers.get('content-length')) || 0;
  const fromCache = response.headers.get(CACHE_HEADER) === 'cache';
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress({ label, loaded: bytes.length, total: bytes.length, done: true, fromCache });
    return bytes;
  }
  const reader = response.body.getReader();
  // Written in place as the chunks arrive: collecting them and joining at the
  // end held two copies of a 20 MB model at once, and the renderer's memory
  // stayed that much higher until the next full garbage collection.
  let bytes: Uint8Array<ArrayBuffer> = new Uint8Array(total);
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // Content-Length counts encoded bytes: a compressed response delivers more.
    if (loaded + value.length > bytes.length) bytes = grown(bytes, loaded, loaded + value.length);
    bytes.set(value, loaded);
    loaded += value.length;
    onProgress({ label, loaded, total: Math.max(total, loaded), done: false, fromCache });
  }
  onProgress({ label, loaded, total: loaded, done: true, fromCache });
  return loaded === bytes.length ? bytes : bytes.slice(0, loaded);
}

/** A larger buffer holding the first `used` bytes: at least `needed`, and doubling, so growth stays linear. */
function grown(bytes: Uint8Array<ArrayBuffer>, used: number, needed: number): Uint8Array<ArrayBuffer> {
  const larger = new Uint8Array(Math.max(needed, bytes.length * 2));
  larger.set(bytes.subarray(0, used));
  return larger;
}

/** A model file's bytes: the copy the page handed a replacement worker, else fetched with progress. */
export function modelBytes(
  urls: ModelUrls,
  name: string,
  label: string,
  mode: LoadMode,
  onProgress: ProgressCallback,
): Promise<Uint8Array> {
  const handed = mode.kind === 'replacement' ? mode.files[name] : undefined;
  return handed ? Promise.resolve(handed) : fetchWithProgress(urls.models + name, label, onProgress);
}

/**
 * Frees a model file's bytes once no session needs them: onnxruntime copies
 * them while it builds a session, and frees its copy when done. Left to the
 * garbage collector they stayed resident until a full collection, which in a
 * worker can come long after: measured on a 2-core machine, the page's
 * renderer held ~25 MB more while dictating until then. `transfer(0)` frees
 * them at once; the fallback detaches them, to be freed at the next minor
 * collection.
 */
export function releaseBytes(bytes: Uint8Array): void {
  const buffer = bytes.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return;
  if (typeof buffer.transfer === 'function') buffer.transfer(0);
  else structuredClone(buffer, { transfer: [buffer] });
}
