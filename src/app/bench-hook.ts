import type { TranscriptionResult } from '../shared/types';
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

/**
 * Only with `?bench` in the URL: lets the benchmark measure latency on the
 * audio clock and run the workers on fixed clips. Nothing is installed otherwise.
 */
export function installBenchHook(pipeline: DictationPipeline): ((result: TranscriptionResult) => void) | null {
  if (!new URLSearchParams(location.search).has('bench')) return null;
  const hook: BenchHook = {
    results: [],
    transcribeClip: (samples) => pipeline.transcribeClip(samples),
    measureVadFrames: (samples) => pipeline.measureVadFrames(samples),
  };
  window.__utterBench = hook;
  return (result) =>
    hook.results.push({
      kind: result.kind,
      segmentId: result.segmentId,
      startSample: result.startSample,
      endSample: result.endSample,
      arrivedAtSample: pipeline.ringWritePosition(),
      text: result.text,
    });
}
