/**
 * The speech worker's loader with the real models in Node, on a WebGPU that
 * leaves its promises pending for good. A file of its own: onnxruntime keeps a
 * backend's failed start for the life of the module, and the other loader
 * tests fail it at once (stt-loader.test.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { MODEL_FILES } from '../../src/shared/types';
import { loadStt, WEBGPU_BUILD_MS } from '../../src/workers/stt-loader';
import { ADAPTER_WAIT_MS } from '../../src/workers/webgpu-probe';
import { hardwareAdapter, heardFirstSentence, serveModels, URLS } from './stt-loader-setup';

/** How long the stubbed decoder download takes in the device test. */
const SLOW_DOWNLOAD_MS = 1500;

serveModels();

describe('loadStt on WebGPU that never answers', () => {
  // WebGPU may leave its promises pending for good (a driver that never answers; one Chrome 111
  // release's requestDevice did): the load must not wait with it.
  it('an adapter request left unanswered: loads on WASM after the wait, says why, and transcribes', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: () => new Promise(() => {}) } });
    const started = performance.now();
    const loaded = await loadStt(URLS, 'auto', null, { kind: 'first' }, () => {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(ADAPTER_WAIT_MS - 10);
    expect(loaded.decision.backend).toBe('wasm');
    expect(loaded.decision.reason).toBe(`no answer from the WebGPU adapter within ${ADAPTER_WAIT_MS / 1000} s`);
    expect(await heardFirstSentence(loaded.model)).toMatch(/quarterly report/i);
    for (const session of loaded.sessions) await session.release();
  }, 120_000);

  // A hardware adapter whose device request never settles. onnxruntime asks once per module and
  // keeps waiting: every WebGPU build in this file after the first waits on that same request.
  let requested = 0;
  const adapter = hardwareAdapter(() => {
    requested++;
    return new Promise(() => {});
  });

  it('a device request left unanswered: loads on WASM once the build has had its time after the download, says why, and transcribes', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => adapter } });
    // A slow download: the build's time starts only when both files are in.
    const serve = globalThis.fetch;
    vi.stubGlobal('fetch', async (url: string) => {
      if (url.endsWith(MODEL_FILES.moonshineDecoder))
        await new Promise((resolve) => setTimeout(resolve, SLOW_DOWNLOAD_MS));
      return serve(url);
    });
    const started = performance.now();
    const loaded = await loadStt(URLS, 'webgpu', null, { kind: 'first' }, () => {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(SLOW_DOWNLOAD_MS + WEBGPU_BUILD_MS - 10);
    expect(requested).toBe(1);
    expect(loaded.decision.backend).toBe('wasm');
    expect(loaded.decision.reason).toBe(
      `WebGPU failed (chosen in settings): building the sessions did not finish within ${WEBGPU_BUILD_MS / 1000} s`,
    );
    expect(await heardFirstSentence(loaded.model)).toMatch(/quarterly report/i);
    for (const session of loaded.sessions) await session.release();
  }, 120_000);

  it('a failed download while the device request waits fails the load with the download error, not as a WebGPU failure', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => adapter } });
    const serve = globalThis.fetch;
    vi.stubGlobal('fetch', async (url: string) =>
      url.endsWith(MODEL_FILES.moonshineDecoder)
        ? new Response(null, { status: 404, statusText: 'Not Found' })
        : serve(url),
    );
    await expect(loadStt(URLS, 'webgpu', null, { kind: 'first' }, () => {})).rejects.toThrow(
      /^Could not load speech decoder \(404 Not Found\)/,
    );
  }, 60_000);
});
