import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { SAMPLE_RATE } from '../shared/types';
import { ModelOutputError, requireOutput } from './onnx';

/** Silero VAD v5 takes bare 512-sample frames at 16 kHz (v6 would need a 64-sample context). */
export const VAD_FRAME_SAMPLES = 512;
const STATE_SIZE = 2 * 1 * 128;

/**
 * One Silero VAD v5 stream. The recurrent state is carried from frame to
 * frame; `reset` starts a new stream (e.g. a new dictation).
 */
export class SileroVad {
  private state: Tensor;
  private readonly sampleRate: Tensor;

  constructor(
    private readonly TensorCtor: typeof Tensor,
    private readonly session: InferenceSession,
  ) {
    for (const name of ['input', 'state', 'sr']) {
      if (!session.inputNames.includes(name)) {
        throw new ModelOutputError(`Silero VAD lacks input ${name}; is this the v5 model?`);
      }
    }
    this.sampleRate = new TensorCtor('int64', BigInt64Array.of(BigInt(SAMPLE_RATE)), []);
    this.state = this.freshState();
  }

  private freshState(): Tensor {
    return new this.TensorCtor('float32', new Float32Array(STATE_SIZE), [2, 1, 128]);
  }

  reset(): void {
    this.state = this.freshState();
  }

  /** Speech probability of one 512-sample frame. */
  async probability(frame: Float32Array): Promise<number> {
    if (frame.length !== VAD_FRAME_SAMPLES) {
      throw new RangeError(`Silero v5 needs ${VAD_FRAME_SAMPLES}-sample frames, got ${frame.length}`);
    }
    const out = await this.session.run({
      input: new this.TensorCtor('float32', frame, [1, VAD_FRAME_SAMPLES]),
      state: this.state,
      sr: this.sampleRate,
    });
    this.state = requireOutput(out, 'stateN', 'Silero VAD');
    const p = (requireOutput(out, 'output', 'Silero VAD').data as Float32Array)[0];
    if (p === undefined || Number.isNaN(p)) throw new ModelOutputError('Silero VAD returned no probability');
    return p;
  }
}
