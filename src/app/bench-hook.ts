import * as Comlink from 'comlink';
import type { TranscriptionResult } from '../shared/types';
import type { SttBenchApi } from '../workers/stt.worker';
import type { VadBenchApi } from '../workers/vad.worker';
import type { DictationPipeline } from './pipeline';

/** What `npm run bench` reads from a page opened with `?bench`. */
export interface BenchRecord {
  kind: TranscriptionResult['kind'];
  segmentId: number;
  startSample: number;
  endSample: number;
  /** The ring's write position when the result reached the main thread: "now" on the audio clock. */
  arrivedAtSample: number | null;
  text: string;
}

export interface BenchHook {
  results: BenchRecord[];
  transcribeClip(samples: Float32Array): Promise<{ text: string; inferenceMs: number }>;
  measureVadFrames(samples: Float32Array): Promise<number[]>;
}

declare global {
  interface Window {
    __utterBench?: BenchHook;
  }
}

const MAX_RECORDS = 10_000;

/**
 * Only in the bench build (`__BENCH__`) and with `?bench` in the URL: lets the benchmark measure latency on the
 * audio clock and run the workers on fixed clips. Nothing is installed otherwise.
 */
export default function installBenchHook(pipeline: DictationPipeline): ((result: TranscriptionResult) => void) | null {
  if (!new URLSearchParams(location.search).has('bench')) return null;
  const hook: BenchHook = {
    results: [],
    // This module is only in the bench build, whose workers answer these calls too.
    transcribeClip: (samples) =>
      pipeline.stt.call((r) =>
        (r as unknown as Comlink.Remote<SttBenchApi>).transcribeClip(Comlink.transfer(samples, [samples.buffer])),
      ),
    measureVadFrames: (samples) =>
      pipeline.vad.call((r) =>
        (r as unknown as Comlink.Remote<VadBenchApi>).measureFrames(Comlink.transfer(samples, [samples.buffer])),
      ),
  };
  window.__utterBench = hook;
  return (result) => {
    // A long soak must not grow the page without bound: the bench reads a few hundred.
    if (hook.results.length >= MAX_RECORDS) hook.results.shift();
    hook.results.push({
      kind: result.kind,
      segmentId: result.segmentId,
      startSample: result.startSample,
      endSample: result.endSample,
      arrivedAtSample: pipeline.ringWritePosition(),
      text: result.text,
    });
  };
}
