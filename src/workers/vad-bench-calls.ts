import { type SileroVad, VAD_FRAME_SAMPLES } from '../engine/silero';

/**
 * Calls only `npm run bench` makes (`src/app/bench-hook.ts`). The worker
 * spreads these into what it exposes only when `__BENCH__` is true, so a
 * production build leaves this module, and its source in the source maps,
 * out (tests/e2e/bundle.spec.ts checks). One module per worker: a module's
 * imports stay in a worker's bundle when they have side effects, used or not
 * (the tokenizer's did, in the voice detector's).
 */
/** The VAD worker's: Silero's time per 512-sample frame. */
export function vadBenchCalls(worker: { vad(): SileroVad | null; dictating(): boolean }) {
  return {
    /** Milliseconds Silero takes per 512-sample frame of `samples`. */
    async measureFrames(samples: Float32Array): Promise<number[]> {
      const vad = worker.vad();
      if (!vad) throw new Error('Voice detector is not loaded yet');
      if (worker.dictating()) throw new Error('Busy dictating');
      const times: number[] = [];
      vad.reset();
      for (let at = 0; at + VAD_FRAME_SAMPLES <= samples.length; at += VAD_FRAME_SAMPLES) {
        const t0 = performance.now();
        await vad.probability(samples.slice(at, at + VAD_FRAME_SAMPLES));
        times.push(performance.now() - t0);
      }
      vad.reset();
      return times;
    },
  };
}
