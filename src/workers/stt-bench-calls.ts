import type { MoonshineModel } from '../engine/moonshine';
import { detokenize } from '../engine/tokenizer';

/**
 * Calls only `npm run bench` makes (`src/app/bench-hook.ts`). The worker
 * spreads these into what it exposes only when `__BENCH__` is true, so a
 * production build leaves this module, and its source in the source maps,
 * out (tests/e2e/bundle.spec.ts checks). One module per worker: a module's
 * imports stay in a worker's bundle when they have side effects, used or not
 * (the tokenizer's did, in the voice detector's).
 */
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
