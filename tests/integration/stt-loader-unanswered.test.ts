/**
 * The speech worker's loader with the real models in Node, on a WebGPU that
 * leaves its promises pending for good. A file of its own: onnxruntime keeps a
 * backend's failed start for the life of the module, and the other loader
 * tests fail it at once (stt-loader.test.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { loadStt, WEBGPU_BUILD_MS } from '../../src/workers/stt-loader';
import { ADAPTER_WAIT_MS } from '../../src/workers/webgpu-probe';
import { heardFirstSentence, serveModels, URLS } from './stt-loader-setup';

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

  it('a device request left unanswered: loads on WASM after the wait, says why, and transcribes', async () => {
    const adapter = {
      info: { vendor: 'test', description: 'Test GPU' },
      features: new Set(),
      limits: {},
      requestDevice: () => {
        requested++;
        return new Promise(() => {});
      },
    };
    let requested = 0;
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => adapter } });
    const started = performance.now();
    const loaded = await loadStt(URLS, 'webgpu', null, { kind: 'first' }, () => {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(WEBGPU_BUILD_MS - 10);
    expect(requested).toBe(1);
    expect(loaded.decision.backend).toBe('wasm');
    expect(loaded.decision.reason).toBe(
      `WebGPU failed (chosen in settings): building the sessions did not finish within ${WEBGPU_BUILD_MS / 1000} s`,
    );
    expect(await heardFirstSentence(loaded.model)).toMatch(/quarterly report/i);
    for (const session of loaded.sessions) await session.release();
  }, 120_000);
});
