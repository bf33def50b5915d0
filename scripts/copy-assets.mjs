// Puts the models and onnxruntime-web's runtime files into public/, so the app
// serves everything from its own origin. Runs on `npm install` / `npm ci`;
// fails loudly if a model's bytes are not the ones this app was tested with.
//
// Moonshine tiny comes from the npm package @moonshine-ai/moonshine-js, but
// that package is not a dependency: its own dependencies (transformers.js,
// onnxruntime-node, sharp) run install scripts that download binaries from
// hosts outside the npm registry, which breaks `npm install` on machines that
// cannot reach them. Instead its pinned tarball is fetched with `npm pack`
// (registry only, no scripts, no dependencies), checked against the registry's
// sha512, and only the two model files are taken from it.
//
// Moonshine's decoder is installed rewritten (scripts/moonshine-logits.mjs:
// its logits computed from the int8 table, ~48 MB less Wasm heap). Both the
// package's file and the rewritten one are sha256-checked, and the package's
// is kept in .cache/models (outside node_modules, so `npm ci` does not delete
// it and a repeat install still downloads nothing) for the test that compares them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantizeLogitsProjection } from './moonshine-logits.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nm = (p) => join(root, 'node_modules', p);

const MOONSHINE_PACKAGE = {
  spec: '@moonshine-ai/moonshine-js@0.1.29',
  integrity: 'sha512-Gx1B3mJcbM68ihSy/LyJEuEkGq7sYMqTb04zNdcIeidU0URVlSmXP0GyiQOTTAqDZQXlIC7k+bky+FdXk0UPlg==',
};

/**
 * `from` is a path in node_modules, or `package/…` inside the Moonshine
 * tarball; `sha256` is that file's. A model with `rewrite` is installed as
 * its output, whose digest is `installedSha256`.
 */
const MODELS = [
  {
    from: nm('@ricky0123/vad-web/dist/silero_vad_v5.onnx'),
    to: 'silero-vad-v5.onnx',
    sha256: '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f',
  },
  {
    tarball: 'package/dist/model/tiny/quantized/encoder_model.onnx',
    to: 'moonshine-tiny-encoder.onnx',
    sha256: 'c6fc4b7bc5af75c0591fd157a1f3829b533d18e9769a888fd95a62e470dd4f4a',
  },
  {
    tarball: 'package/dist/model/tiny/quantized/decoder_model_merged.onnx',
    to: 'moonshine-tiny-decoder-merged.onnx',
    sha256: 'eed87831c3a6103534aae7d47a5d485025c659a1323901513961c39fe8a1a367',
    rewrite: quantizeLogitsProjection,
    installedSha256: '45e2daa74992af90b076ae03ffbf080f62be8574e5abcffffd84724fdcbdeadd',
  },
];

// ort.wasm.min.mjs loads the plain build; ort.webgpu.min.mjs the asyncify one.
const ORT_FILES = [
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

function fail(message) {
  console.error(`copy-assets: ${message}`);
  process.exit(1);
}

/** `data`: a file's path, or bytes already read. */
function digest(algorithm, data, encoding) {
  return createHash(algorithm)
    .update(typeof data === 'string' ? readFileSync(data) : data)
    .digest(encoding);
}

function runNpm(args, cwd) {
  // Inside an npm script, npm_execpath is the npm that is running us.
  const npm = process.env.npm_execpath;
  const [command, prefix] = npm ? [process.execPath, [npm]] : ['npm', []];
  return execFileSync(command, [...prefix, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** Downloads the pinned Moonshine tarball and extracts the wanted files into `dir`. */
function unpackMoonshine(paths, dir) {
  let packed;
  try {
    packed = JSON.parse(
      runNpm(['pack', MOONSHINE_PACKAGE.spec, '--json', '--ignore-scripts', '--pack-destination', dir], dir),
    );
  } catch (error) {
    fail(`could not fetch ${MOONSHINE_PACKAGE.spec} from the npm registry: ${String(error.stderr ?? error).trim()}`);
  }
  const tarball = join(dir, packed[0].filename);
  const integrity = `sha512-${digest('sha512', tarball, 'base64')}`;
  if (integrity !== MOONSHINE_PACKAGE.integrity) {
    fail(`${MOONSHINE_PACKAGE.spec} has integrity ${integrity}, expected ${MOONSHINE_PACKAGE.integrity}.`);
  }
  execFileSync('tar', ['-xzf', tarball, '-C', dir, ...paths]);
  return (path) => join(dir, path);
}

const modelsDir = join(root, 'public', 'models');
/** Where a rewritten model's original stays, for tests/integration/moonshine-logits.test.ts. */
const originalsDir = join(root, '.cache', 'models');
const ortDir = join(root, 'public', 'ort');
mkdirSync(modelsDir, { recursive: true });
mkdirSync(ortDir, { recursive: true });
mkdirSync(originalsDir, { recursive: true });

// Models already in place with the right bytes are kept: a repeat install downloads nothing.
const hasBytes = (path, sha256) => existsSync(path) && digest('sha256', path, 'hex') === sha256;
const missing = MODELS.filter(
  (m) =>
    !hasBytes(join(modelsDir, m.to), m.installedSha256 ?? m.sha256) ||
    (m.rewrite && !hasBytes(join(originalsDir, m.to), m.sha256)),
);
const fromTarball = missing.filter((m) => m.tarball);
const scratch = fromTarball.length > 0 ? mkdtempSync(join(tmpdir(), 'utter-models-')) : null;
// Removed on exit, however the script ends: `fail` exits at once.
if (scratch) process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const inTarball = scratch
  ? unpackMoonshine(
      fromTarball.map((m) => m.tarball),
      scratch,
    )
  : null;
for (const model of missing) {
  const source = model.tarball ? inTarball(model.tarball) : model.from;
  if (!existsSync(source)) fail(`${source} is missing; run npm install again.`);
  const bytes = readFileSync(source);
  const actual = digest('sha256', bytes, 'hex');
  if (actual !== model.sha256) {
    fail(`${model.to} has sha256 ${actual}, expected ${model.sha256}. Refusing to use it.`);
  }
  if (!model.rewrite) {
    copyFileSync(source, join(modelsDir, model.to));
    continue;
  }
  copyFileSync(source, join(originalsDir, model.to));
  const rewritten = model.rewrite(bytes);
  const installed = digest('sha256', rewritten, 'hex');
  if (installed !== model.installedSha256) {
    fail(`${model.to} rewritten has sha256 ${installed}, expected ${model.installedSha256}. Refusing to use it.`);
  }
  writeFileSync(join(modelsDir, model.to), rewritten);
}
for (const file of ORT_FILES) copyFileSync(nm(`onnxruntime-web/dist/${file}`), join(ortDir, file));
console.log(
  `copy-assets: ${MODELS.length} models (sha256 verified; ${missing.length} fetched) and ${ORT_FILES.length} runtime files into public/`,
);
