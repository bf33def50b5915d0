import * as ort from 'onnxruntime-node';
import { MoonshineModel } from '../../src/engine/moonshine';
import { detokenize } from '../../src/engine/tokenizer';

const opts: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
};
const enc = await ort.InferenceSession.create('public/models/moonshine-tiny-encoder.onnx', opts);
const dec = await ort.InferenceSession.create('public/models/moonshine-tiny-decoder-merged.onnx', opts);
console.log(dec.inputNames, (dec as any).inputMetadata?.slice?.(0, 5));
const m = new MoonshineModel(ort.Tensor as any, enc as any, dec as any);
const a = new Float32Array(16000 * 3);
for (let i = 0; i < a.length; i++) a[i] = Math.sin(i / 10) * 0.1;
const t0 = performance.now();
const r = await m.decode(a);
console.log(performance.now() - t0, r, detokenize(r.tokens));
