/**
 * What the speech worker's loader tests share: model files served from
 * public/models by a stubbed fetch that records what was asked for, a worker
 * without cross-origin isolation (ort on one thread), and a check that a
 * loaded model transcribes; a stand-in WebGPU adapter.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, vi } from 'vitest';
import type { MoonshineModel } from '../../src/engine/moonshine';
import { detokenize } from '../../src/engine/tokenizer';
import type { ModelUrls } from '../../src/shared/types';
import { readSpeech16k } from './vocabulary-sets';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MODELS_DIR = join(ROOT, 'public/models');

export const URLS: ModelUrls = {
  models: 'https://utter.test/models/',
  ort: pathToFileURL(join(ROOT, 'node_modules/onnxruntime-web/dist/')).href,
  compiledRuntimes: {},
};

export const modelFile = (name: string) => new Uint8Array(readFileSync(join(MODELS_DIR, name)));

/** Installs the stubs around each test of the calling file; returns the model files fetched so far, by name. */
export function serveModels(): { fetched(): string[]; forget(): void } {
  let fetched: string[] = [];
  beforeEach(() => {
    fetched = [];
    // Node has no `self`; a worker that is not cross-origin isolated runs ort on one thread.
    vi.stubGlobal('self', { crossOriginIsolated: false });
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      return new Response(readFileSync(join(MODELS_DIR, url.slice(URLS.models.length))));
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
  return {
    fetched: () => fetched.map((url) => url.slice(URLS.models.length)),
    forget: () => {
      fetched = [];
    },
  };
}

/** What `model` hears in dictation.wav's first sentence: 'Please send the quarterly report to the finance team by Friday.' */
export async function heardFirstSentence(model: MoonshineModel): Promise<string> {
  const wav = join(ROOT, 'tests/fixtures/generated/dictation.wav');
  const speech = readSpeech16k(mkdtempSync(join(tmpdir(), 'utter-stt-loader-')), wav).slice(0, 16000 * 4);
  return detokenize((await model.decode(speech)).tokens);
}

/** A hardware WebGPU adapter, as `navigator.gpu.requestAdapter()` answers, whose device request is `requestDevice`. */
export function hardwareAdapter(requestDevice: () => Promise<unknown>) {
  return { info: { vendor: 'test', description: 'Test GPU' }, features: new Set(), limits: {}, requestDevice };
}

/** `hardwareAdapter`'s description as probeWebGpu puts it together, and a backend decision records it. */
export const TEST_ADAPTER_DESCRIPTION = 'test Test GPU';
