/**
 * Silero v5 and the app's Segmenter on a whole clip of 16 kHz audio, frame by
 * frame as the VAD worker runs them: the segments the app would cut. Shared
 * by the measuring scripts and start-offsets.ts.
 */
import * as ort from 'onnxruntime-web';
import { frameRms } from '../../src/engine/levels';
import { WASM_GRAPH_OPTIMIZATION } from '../../src/engine/onnx';
import { Segmenter, type SegmenterOptions } from '../../src/engine/segmenter';
import { SileroVad, VAD_FRAME_SAMPLES } from '../../src/engine/silero';

/** Silero v5 built as the app builds it, from the model `npm install` copied into public/models. */
export async function loadSilero(): Promise<SileroVad> {
  const session = await ort.InferenceSession.create('public/models/silero-vad-v5.onnx', {
    graphOptimizationLevel: WASM_GRAPH_OPTIMIZATION.silero,
  });
  return new SileroVad(ort.Tensor, session);
}

/** The segments a Segmenter with `options` cuts from `audio`, the voice detector reset first. */
export async function segmentEnds(vad: SileroVad, audio: Float32Array, options: Partial<SegmenterOptions> = {}) {
  vad.reset();
  const segmenter = new Segmenter(options);
  const ends: { id: number; startSample: number; endSample: number }[] = [];
  for (let at = 0; at + VAD_FRAME_SAMPLES <= audio.length; at += VAD_FRAME_SAMPLES) {
    const frame = audio.slice(at, at + VAD_FRAME_SAMPLES);
    for (const e of segmenter.push(at, await vad.probability(frame), frameRms(frame))) {
      if (e.type === 'end') ends.push(e);
    }
  }
  for (const e of segmenter.flush()) if (e.type === 'end') ends.push(e);
  return ends;
}
