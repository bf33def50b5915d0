import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortWeb from 'onnxruntime-web';
import { frameRms } from '../../src/engine/levels';
import { MoonshineModel } from '../../src/engine/moonshine';
import { Segmenter } from '../../src/engine/segmenter';
import { SileroVad, VAD_FRAME_SAMPLES } from '../../src/engine/silero';
import { detokenize } from '../../src/engine/tokenizer';
import type { Region } from './audio';
import type { NativeOrt } from './native-runtime';

/** One thread, full graph optimisation: the reference the browser worker is compared with. */
const NATIVE_OPTIONS: ortWeb.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

export interface ClipRun {
  text: string;
  inferenceMs: number;
  /** Only known in Node, where the MoonshineModel is in this process. */
  encoderMs?: number;
  decoderMs?: number;
  tokens?: number;
}

/**
 * Where Moonshine runs in this process: `native` is onnxruntime-node (MLAS
 * kernels); `wasm` is onnxruntime-web's WebAssembly build in Node, one thread —
 * the same kernels as the browser worker without the browser around them.
 */
export type NodeFlavour = 'native' | 'wasm';

export class NodeMoonshine {
  private constructor(
    private readonly model: MoonshineModel,
    private readonly release_: () => Promise<void>,
  ) {}

  static async load(modelsDir: string, flavour: NodeFlavour, ortNode: NativeOrt): Promise<NodeMoonshine> {
    const encoderPath = join(modelsDir, 'moonshine-tiny-encoder.onnx');
    const decoderPath = join(modelsDir, 'moonshine-tiny-decoder-merged.onnx');
    if (flavour === 'native') {
      const encoder = await ortNode.InferenceSession.create(encoderPath, NATIVE_OPTIONS);
      const decoder = await ortNode.InferenceSession.create(decoderPath, NATIVE_OPTIONS);
      return new NodeMoonshine(new MoonshineModel(ortNode.Tensor, encoder, decoder), async () => {
        await encoder.release();
        await decoder.release();
      });
    }
    ortWeb.env.wasm.numThreads = 1;
    ortWeb.env.logLevel = 'error';
    const options: ortWeb.InferenceSession.SessionOptions = {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    };
    const encoder = await ortWeb.InferenceSession.create(readFileSync(encoderPath), options);
    const decoder = await ortWeb.InferenceSession.create(readFileSync(decoderPath), options);
    return new NodeMoonshine(new MoonshineModel(ortWeb.Tensor, encoder, decoder), async () => {
      await encoder.release();
      await decoder.release();
    });
  }

  /** Times `decode` alone, as the browser worker's `transcribeClip` does. */
  async transcribe(samples: Float32Array): Promise<ClipRun> {
    const t0 = performance.now();
    const result = await this.model.decode(samples);
    const inferenceMs = performance.now() - t0;
    return {
      text: detokenize(result.tokens),
      inferenceMs,
      encoderMs: result.encoderMs,
      decoderMs: result.decoderMs,
      tokens: result.tokens.length,
    };
  }

  release(): Promise<void> {
    return this.release_();
  }
}

export interface NativeVad {
  /** Silero's time per 512-sample frame over the audio (after a one-second warm-up). */
  frameMs: number[];
  /**
   * The app's segmenter on native Silero over the file, once per frame phase
   * (frames starting at `shift` + k·512): where the VAD puts each segment in
   * file samples. Latency alignment compares these with the browser's segments.
   */
  replays: { shift: number; segments: Region[] }[];
}

export async function nativeVad(
  ortNode: NativeOrt,
  modelsDir: string,
  samples: Float32Array,
  shifts: readonly number[],
): Promise<NativeVad> {
  const session = await ortNode.InferenceSession.create(join(modelsDir, 'silero-vad-v5.onnx'), NATIVE_OPTIONS);
  try {
    const vad = new SileroVad(ortNode.Tensor, session);
    let segments: Region[] = [];
    const run = async (audio: Float32Array, shift: number, segmenter: Segmenter | null): Promise<number[]> => {
      const times: number[] = [];
      vad.reset();
      for (let at = shift; at + VAD_FRAME_SAMPLES <= audio.length; at += VAD_FRAME_SAMPLES) {
        const frame = audio.slice(at, at + VAD_FRAME_SAMPLES);
        const t0 = performance.now();
        const p = await vad.probability(frame);
        times.push(performance.now() - t0);
        for (const event of segmenter?.push(at, p, frameRms(frame)) ?? []) {
          if (event.type === 'end') segments.push({ start: event.startSample, end: event.endSample });
        }
      }
      return times;
    };
    await run(samples.subarray(0, 16000), 0, null); // warm-up
    const frameMs = await run(samples, 0, null);
    const replays: NativeVad['replays'] = [];
    for (const shift of shifts) {
      segments = [];
      const segmenter = new Segmenter();
      await run(samples, shift, segmenter);
      // The app flushes an open segment on Stop; the fixture ends in silence, so there is none.
      replays.push({ shift, segments });
    }
    return { frameMs, replays };
  } finally {
    await session.release();
  }
}
