// Copies the models and onnxruntime-web's runtime files from node_modules into
// public/, so the app serves everything from its own origin. Runs on
// `npm install` / `npm ci`; fails loudly if a model's bytes are not the ones
// this app was tested with.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nm = (p) => join(root, 'node_modules', p);

const MODELS = [
  {
    from: nm('@ricky0123/vad-web/dist/silero_vad_v5.onnx'),
    to: 'silero-vad-v5.onnx',
    sha256: '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f',
  },
  {
    from: nm('@moonshine-ai/moonshine-js/dist/model/tiny/quantized/encoder_model.onnx'),
    to: 'moonshine-tiny-encoder.onnx',
    sha256: 'c6fc4b7bc5af75c0591fd157a1f3829b533d18e9769a888fd95a62e470dd4f4a',
  },
  {
    from: nm('@moonshine-ai/moonshine-js/dist/model/tiny/quantized/decoder_model_merged.onnx'),
    to: 'moonshine-tiny-decoder-merged.onnx',
    sha256: 'eed87831c3a6103534aae7d47a5d485025c659a1323901513961c39fe8a1a367',
  },
];

// ort.wasm.min.mjs loads the plain build; ort.webgpu.min.mjs the asyncify one.
const ORT_FILES = [
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const modelsDir = join(root, 'public', 'models');
const ortDir = join(root, 'public', 'ort');
mkdirSync(modelsDir, { recursive: true });
mkdirSync(ortDir, { recursive: true });

for (const model of MODELS) {
  if (!existsSync(model.from)) {
    console.error(`copy-assets: ${model.from} is missing; run npm install (devDependencies included).`);
    process.exit(1);
  }
  const actual = sha256(model.from);
  if (actual !== model.sha256) {
    console.error(`copy-assets: ${model.to} has sha256 ${actual}, expected ${model.sha256}. Refusing to use it.`);
    process.exit(1);
  }
  copyFileSync(model.from, join(modelsDir, model.to));
}
for (const file of ORT_FILES) copyFileSync(nm(`onnxruntime-web/dist/${file}`), join(ortDir, file));
console.log(
  `copy-assets: ${MODELS.length} models (sha256 verified) and ${ORT_FILES.length} runtime files into public/`,
);
