import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoadProgress } from '../../src/shared/types';
import { fetchWithProgress, releaseBytes } from '../../src/workers/fetch-progress';

/** A response whose body arrives in the given chunks, announcing `contentLength` (or none). */
function respondWith(chunks: Uint8Array[], contentLength: number | null): void {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const headers: Record<string, string> = contentLength === null ? {} : { 'content-length': String(contentLength) };
  vi.stubGlobal('fetch', async () => new Response(body, { headers }));
}

function chunksOf(total: number, size: number): { chunks: Uint8Array[]; whole: Uint8Array } {
  const whole = Uint8Array.from({ length: total }, (_, i) => (i * 7 + 3) & 0xff);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < total; at += size) chunks.push(whole.slice(at, at + size));
  return { chunks, whole };
}

afterEach(() => vi.unstubAllGlobals());

describe('fetchWithProgress', () => {
  it.each([
    ['the right Content-Length', (n: number) => n],
    ['no Content-Length', () => null],
    ['a Content-Length smaller than the body (a compressed response)', (n: number) => Math.floor(n / 3)],
    ['a Content-Length larger than the body', (n: number) => n + 100],
  ])('returns exactly the body with %s', async (_, announced) => {
    const { chunks, whole } = chunksOf(10_000, 999);
    respondWith(chunks, announced(whole.length));
    const progress: LoadProgress[] = [];
    const bytes = await fetchWithProgress('/model.onnx', 'model', (p) => progress.push(p));
    expect(bytes).toEqual(whole);
    expect(progress.at(-1)).toMatchObject({ loaded: whole.length, total: whole.length, done: true });
    expect(progress.filter((p) => !p.done).map((p) => p.loaded)).toEqual(
      chunks.map((_, i) => Math.min(whole.length, (i + 1) * 999)),
    );
  });
});

describe('releaseBytes', () => {
  it('detaches the bytes, so their memory does not wait for a garbage collection', () => {
    const bytes = new Uint8Array(1 << 20).fill(7);
    releaseBytes(bytes);
    expect(bytes.buffer.byteLength).toBe(0);
    expect(bytes.length).toBe(0);
  });

  it('leaves shared memory and already released bytes alone', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(16));
    releaseBytes(shared);
    expect(shared.length).toBe(16);
    const bytes = new Uint8Array(8);
    releaseBytes(bytes);
    expect(() => releaseBytes(bytes)).not.toThrow();
  });
});
