import { downmixInto, StreamingResampler } from '../audio/resampler';
import { SAMPLE_RATE } from '../shared/types';

/**
 * Turns decoded audio of any rate and channel count, arriving in pieces of any
 * size, into 16 kHz mono chunks of exactly `chunkSamples` (the last one
 * shorter). Memory stays constant however long the input: one chunk being
 * filled plus scratch buffers as large as the largest piece pushed.
 *
 * The resampler's constant group delay is removed (its first outputs are
 * dropped and `flush` pushes zeros through to release the tail), so output
 * sample n is input time n / 16000 s and a file's timestamps stay exact.
 */
export class MonoChunker {
  readonly outputRate = SAMPLE_RATE;
  private readonly resampler: StreamingResampler;
  /** Outputs still to drop before the first real one (the filter's delay). */
  private skip: number;
  private mix = new Float32Array(0);
  private resampled = new Float32Array(0);
  private chunk: Float32Array;
  private filled = 0;
  private inputFrames = 0;
  private emitted = 0;
  private flushed = false;

  constructor(
    readonly inputRate: number,
    private readonly chunkSamples: number,
  ) {
    if (!Number.isInteger(chunkSamples) || chunkSamples <= 0) throw new RangeError(`Bad chunk size ${chunkSamples}`);
    this.resampler = new StreamingResampler(inputRate, this.outputRate);
    this.skip = Math.round(this.resampler.delaySamples);
    this.chunk = new Float32Array(chunkSamples);
  }

  /** 16 kHz samples emitted so far, in whole chunks. */
  get emittedSamples(): number {
    return this.emitted;
  }

  /**
   * Adds `frames` frames of planar audio (one array per channel, each at least
   * `frames` long). Returns the chunks this completed, each a fresh array the
   * caller owns (and may transfer).
   */
  push(channels: readonly Float32Array[], frames: number): Float32Array[] {
    if (this.flushed) throw new Error('MonoChunker: push after flush');
    if (frames <= 0 || channels.length === 0) return [];
    if (this.mix.length < frames) this.mix = new Float32Array(frames);
    const views = channels.map((c) => c.subarray(0, frames));
    const mixed = downmixInto(views, this.mix.subarray(0, frames));
    this.inputFrames += mixed;
    return this.resample(this.mix, mixed);
  }

  /**
   * Ends the input: returns what is left, the filter's tail included (it may
   * complete one more whole chunk before the last, partial one).
   */
  flush(): Float32Array[] {
    if (this.flushed) return [];
    this.flushed = true;
    // Everything the input implies, at 16 kHz; the zeros below push the delayed tail out.
    const total = Math.round((this.inputFrames * this.outputRate) / this.inputRate);
    const zeros = new Float32Array(this.resampler.taps + 2);
    const out: Float32Array[] = [];
    while (this.emitted + this.filled < total) {
      const before = this.emitted + this.filled;
      out.push(...this.resample(zeros, zeros.length, total));
      if (this.emitted + this.filled === before) break; // pass-through with nothing pending
    }
    if (this.filled > 0) {
      out.push(this.chunk.slice(0, this.filled));
      this.emitted += this.filled;
      this.filled = 0;
    }
    return out;
  }

  private resample(input: Float32Array, length: number, limit = Number.POSITIVE_INFINITY): Float32Array[] {
    const need = this.resampler.maxOutputFor(length);
    if (this.resampled.length < need) this.resampled = new Float32Array(need);
    const produced = this.resampler.process(input, length, this.resampled);
    let from = Math.min(this.skip, produced);
    this.skip -= from;
    const chunks: Float32Array[] = [];
    while (from < produced && this.emitted + this.filled < limit) {
      const take = Math.min(produced - from, this.chunkSamples - this.filled, limit - this.emitted - this.filled);
      this.chunk.set(this.resampled.subarray(from, from + take), this.filled);
      this.filled += take;
      from += take;
      if (this.filled === this.chunkSamples) {
        chunks.push(this.chunk);
        this.emitted += this.chunkSamples;
        this.chunk = new Float32Array(this.chunkSamples);
        this.filled = 0;
      }
    }
    return chunks;
  }
}
