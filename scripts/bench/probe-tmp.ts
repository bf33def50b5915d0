import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { MoonshineModel } from '../../src/engine/moonshine';
import { detokenize } from '../../src/engine/tokenizer';
import { readWav16k } from './audio';
ort.env.wasm.numThreads = 1;
const o = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' as const };
const enc = await ort.InferenceSession.create(readFileSync('public/models/moonshine-tiny-encoder.onnx'), o);
const dec = await ort.InferenceSession.create(readFileSync('public/models/moonshine-tiny-decoder-merged.onnx'), o);
const m = new MoonshineModel(ort.Tensor, enc, dec);
const a = readWav16k('tests/fixtures/generated/dictation.wav').slice(13600, 13600 + 64000);
for (let i = 0; i < 3; i++) {
const t0 = performance.now();
const r = await m.decode(a);
console.log(performance.now() - t0, r.encoderMs, r.decoderMs, r.tokens.length, detokenize(r.tokens));
}
