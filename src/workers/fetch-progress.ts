import { CACHE_HEADER } from '../shared/sw-protocol';
import type { ProgressCallback } from '../shared/types';

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
  const parts: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.length;
    onProgress({ label, loaded, total: Math.max(total, loaded), done: false, fromCache });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  onProgress({ label, loaded, total: loaded, done: true, fromCache });
  return bytes;
}
