import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { MoonshineModel } from '../../src/engine/moonshine';
import { SileroVad, VAD_FRAME_SAMPLES } from '../../src/engine/silero';
import { detokenize } from '../../src/engine/tokenizer';

/** One thread, full graph optimisation: the reference the browser worker is compared with. */
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

export interface ClipRun {
  text: string;
  inferenceMs: number;
}

export class NativeMoonshine {
  private constructor(
    private readonly model: MoonshineModel,
    private readonly sessions: ort.InferenceSession[],
  ) {}

  static async load(modelsDir: string): Promise<NativeMoonshine> {
    const encoder = await ort.InferenceSession.create(join(modelsDir, 'moonshine-tiny-encoder.onnx'), SESSION_OPTIONS);
    const decoder = await ort.InferenceSession.create(
      join(modelsDir, 'moonshine-tiny-decoder-merged.onnx'),
      SESSION_OPTIONS,
    );
    return new NativeMoonshine(new MoonshineModel(ort.Tensor, encoder, decoder), [encoder, decoder]);
  }

  /** Times `decode` alone, as the browser worker's `transcribeClip` does. */
  async transcribe(samples: Float32Array): Promise<ClipRun> {
    const t0 = performance.now();
    const result = await this.model.decode(samples);
    const inferenceMs = performance.now() - t0;
    return { text: detokenize(result.tokens), inferenceMs };
  }

  async release(): Promise<void> {
    for (const session of this.sessions) await session.release();
  }
}

/** Silero's time per 512-sample frame over `samples`, one stream, as the VAD worker's `measureFrames`. */
export async function nativeVadFrames(modelsDir: string, samples: Float32Array): Promise<number[]> {
  const session = await ort.InferenceSession.create(join(modelsDir, 'silero-vad-v5.onnx'), SESSION_OPTIONS);
  try {
    const vad = new SileroVad(ort.Tensor, session);
    const run = async (audio: Float32Array): Promise<number[]> => {
      const times: number[] = [];
      vad.reset();
      for (let at = 0; at + VAD_FRAME_SAMPLES <= audio.length; at += VAD_FRAME_SAMPLES) {
        const t0 = performance.now();
        await vad.probability(audio.slice(at, at + VAD_FRAME_SAMPLES));
        times.push(performance.now() - t0);
      }
      return times;
    };
    await run(samples.subarray(0, 16000)); // warm-up: one second
    return await run(samples);
  } finally {
    await session.release();
  }
}
