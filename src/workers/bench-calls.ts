import type { MoonshineModel } from '../engine/moonshine';
import { type SileroVad, VAD_FRAME_SAMPLES } from '../engine/silero';
import { detokenize } from '../engine/tokenizer';

/**
 * Calls only `npm run bench` makes (`src/app/bench-hook.ts`). The workers
 * spread these into what they expose only when `__BENCH__` is true, so a
 * production build leaves this module, and its source in the source maps,
 * out (tests/e2e/bundle.spec.ts checks).
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

/** The STT worker's: one clip decoded outside dictation. */
export function sttBenchCalls(worker: { model(): MoonshineModel | null; dictating(): boolean }) {
  return {
    /**
     * Transcribes one clip outside dictation. Refused while dictating: one
     * session must not run two decodes at once.
     */
    async transcribeClip(samples: Float32Array): Promise<{ text: string; inferenceMs: number }> {
      const model = worker.model();
      if (!model) throw new Error('Speech model is not loaded yet');
      if (worker.dictating()) throw new Error('Busy dictating');
      // The model would hold this decode back until warm anyway: wait outside the timing.
      await model.whenWarm();
      const t0 = performance.now();
      const result = await model.decode(samples);
      return { text: detokenize(result.tokens), inferenceMs: performance.now() - t0 };
    },
  };
}
