/**
 * The speech worker's loader with the real models in Node (onnxruntime-web,
 * WASM). The page's first load fetches both Moonshine files and warms the
 * model up on quiet noise before anyone speaks. A replacement for a worker
 * that failed builds its sessions from the files the page handed it, fetches
 * nothing, and runs no decode before its owed audio: the warm-up is pure delay
 * there. Both transcribe the same speech the same.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MoonshineModel } from '../../src/engine/moonshine';
import { type LoadMode, MODEL_FILES } from '../../src/shared/types';
import { loadStt } from '../../src/workers/stt-loader';
import {
  hardwareAdapter,
  heardFirstSentence,
  modelFile,
  serveModels,
  TEST_ADAPTER_DESCRIPTION,
  URLS,
} from './stt-loader-setup';

const served = serveModels();

async function load(mode: LoadMode) {
  const decode = vi.spyOn(MoonshineModel.prototype, 'decode');
  const warmUp = vi.spyOn(MoonshineModel.prototype, 'warmUp');
  const loaded = await loadStt(URLS, 'wasm', null, mode, () => {});
  const decodesWhileLoading = decode.mock.calls.length + warmUp.mock.calls.length;
  await loaded.model.whenWarm();
  decode.mockRestore();
  warmUp.mockRestore();
  return { loaded, decodesWhileLoading };
}

describe('loadStt', () => {
  it('first load: fetches both files and warms up once, without making the load wait for it', async () => {
    // The warm-up decode is held until released: a load that waited for it would never finish.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const warmUp = vi.spyOn(MoonshineModel.prototype, 'warmUp').mockImplementationOnce(() => held);
    const loaded = await loadStt(URLS, 'wasm', null, { kind: 'first' }, () => {});
    expect(served.fetched().sort()).toEqual([MODEL_FILES.moonshineDecoder, MODEL_FILES.moonshineEncoder].sort());
    expect(warmUp).toHaveBeenCalledTimes(1);
    release();
    expect(loaded.decision.backend).toBe('wasm');
    for (const session of loaded.sessions) await session.release();
  }, 60_000);

  it('replacement: builds from the files handed over, fetches nothing, decodes nothing, transcribes the same', async () => {
    const first = await load({ kind: 'first' });
    served.forget();
    const files = {
      [MODEL_FILES.moonshineEncoder]: modelFile(MODEL_FILES.moonshineEncoder),
      [MODEL_FILES.moonshineDecoder]: modelFile(MODEL_FILES.moonshineDecoder),
    };
    const replacement = await load({ kind: 'replacement', files });
    expect(served.fetched()).toEqual([]);
    expect(replacement.decodesWhileLoading).toBe(0);

    const heard = await heardFirstSentence(replacement.loaded.model);
    expect(heard).toMatch(/quarterly report/i);
    expect(heard).toBe(await heardFirstSentence(first.loaded.model));
    for (const session of [...first.loaded.sessions, ...replacement.loaded.sessions]) await session.release();
  }, 120_000);

  it('replacement missing a file fetches just that one', async () => {
    const files = { [MODEL_FILES.moonshineEncoder]: modelFile(MODEL_FILES.moonshineEncoder) };
    const { loaded, decodesWhileLoading } = await load({ kind: 'replacement', files });
    expect(served.fetched()).toEqual([MODEL_FILES.moonshineDecoder]);
    expect(decodesWhileLoading).toBe(0);
    for (const session of loaded.sessions) await session.release();
  }, 60_000);
});

describe('loadStt on a WebGPU adapter that cannot run the model', () => {
  // A hardware adapter whose device cannot be had, as with a broken driver: onnxruntime's WebGPU
  // backend really fails while it starts, and leaves its runtime unusable (see stt-loader.ts).
  const adapter = hardwareAdapter(async () => {
    throw new Error('no device');
  });

  beforeEach(() => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => adapter } });
  });

  it.each([
    ['measuring both backends', 'auto', null],
    ['chosen in settings', 'webgpu', null],
    [
      'remembered from an earlier visit',
      'auto',
      { backend: 'webgpu', threads: 1, reason: 'measured', adapter: TEST_ADAPTER_DESCRIPTION } as const,
    ],
  ] as const)(
    '%s: falls back to WASM, says why, and transcribes',
    async (_, setting, remembered) => {
      const loaded = await loadStt(URLS, setting, remembered, { kind: 'first' }, () => {});
      expect(loaded.decision.backend).toBe('wasm');
      expect(loaded.decision.reason).toMatch(/^WebGPU failed \(.+\): /);
      expect(await heardFirstSentence(loaded.model)).toMatch(/quarterly report/i);
      for (const session of loaded.sessions) await session.release();
    },
    120_000,
  );
});
