/**
 * The voice detector is built without graph optimisation (src/engine/onnx.ts):
 * its session is ready sooner, which is when Start becomes usable. This
 * checks, on a real recording, that it hears exactly what the default build
 * (every rewrite) hears, frame by frame through the recurrent state.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WaveFile } from 'wavefile';
import { WASM_GRAPH_OPTIMIZATION } from '../../src/engine/onnx';
import { SileroVad, VAD_FRAME_SAMPLES } from '../../src/engine/silero';

const MODEL = readFileSync(new URL('../../public/models/silero-vad-v5.onnx', import.meta.url));
const RECORDING = new URL('../fixtures/generated/dictation.wav', import.meta.url);

function speech(): Float32Array {
  const wav = new WaveFile(readFileSync(RECORDING));
  wav.toBitDepth('32f');
  return wav.getSamples(false, Float32Array) as unknown as Float32Array;
}

async function probabilities(session: ort.InferenceSession, audio: Float32Array): Promise<number[]> {
  const vad = new SileroVad(ort.Tensor, session);
  const out: number[] = [];
  for (let at = 0; at + VAD_FRAME_SAMPLES <= audio.length; at += VAD_FRAME_SAMPLES) {
    out.push(await vad.probability(audio.slice(at, at + VAD_FRAME_SAMPLES)));
  }
  return out;
}

describe('Silero as the app builds it', { timeout: 120_000 }, () => {
  const sessions: ort.InferenceSession[] = [];
  beforeAll(() => {
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
  });
  afterAll(async () => {
    for (const session of sessions) await session.release();
  });

  it('gives the same speech probabilities as the fully optimised build', async () => {
    const build = async (level: 'all' | 'disabled') => {
      const session = await ort.InferenceSession.create(new Uint8Array(MODEL), { graphOptimizationLevel: level });
      sessions.push(session);
      return session;
    };
    expect(WASM_GRAPH_OPTIMIZATION.silero).toBe('disabled');
    const audio = speech();
    const asBuilt = await probabilities(await build(WASM_GRAPH_OPTIMIZATION.silero), audio);
    const optimised = await probabilities(await build('all'), audio);
    expect(asBuilt.length).toBeGreaterThan(500);
    // The recording has speech and pauses: the comparison covers both sides of the threshold.
    expect(Math.max(...optimised)).toBeGreaterThan(0.9);
    expect(Math.min(...optimised)).toBeLessThan(0.1);
    const worst = Math.max(...asBuilt.map((p, i) => Math.abs(p - (optimised[i] as number))));
    expect(worst).toBeLessThan(1e-4);
  });
});
