import type { InferenceSession } from 'onnxruntime-web';
import { MoonshineModel } from '../engine/moonshine';
import { WASM_GRAPH_OPTIMIZATION } from '../engine/onnx';
import type {
  BackendDecision,
  BackendName,
  BackendSetting,
  LoadMode,
  ModelUrls,
  ProgressCallback,
} from '../shared/types';
import { MODEL_FILES, SAMPLE_RATE } from '../shared/types';
import { modelBytes, releaseBytes } from './fetch-progress';
import { createSession, loadOrt, type OrtModule, wasmThreads } from './ort-runtime';
import { probeWebGpu } from './webgpu-probe';
import { withinTime } from './within-time';

export interface LoadedStt {
  model: MoonshineModel;
  decision: BackendDecision;
  sessions: InferenceSession[];
}

/** Each session is built as soon as its own file is in: the encoder's while the decoder still downloads. */
interface ModelBytes {
  encoder: Promise<Uint8Array>;
  decoder: Promise<Uint8Array>;
}

async function buildModel(ort: OrtModule, bytes: ModelBytes, backend: BackendName) {
  // WebGPU keeps every rewrite: the per-model choice was measured on WASM.
  const level = (model: keyof typeof WASM_GRAPH_OPTIMIZATION) =>
    backend === 'wasm' ? WASM_GRAPH_OPTIMIZATION[model] : 'all';
  const sessions: InferenceSession[] = [];
  try {
    const encoder = await createSession(ort, await bytes.encoder, backend, level('moonshineEncoder'));
    sessions.push(encoder);
    const decoder = await createSession(ort, await bytes.decoder, backend, level('moonshineDecoder'));
    sessions.push(decoder);
    return { model: new MoonshineModel(ort.Tensor, encoder, decoder), sessions };
  } catch (error) {
    await releaseSessions(sessions); // an encoder built before the decoder failed
    throw error;
  }
}

async function releaseSessions(sessions: readonly InferenceSession[]): Promise<void> {
  for (const session of sessions) await session.release().catch(() => {});
}

/** `work` on built sessions; if it fails, the sessions are released before the error goes on. */
async function releasingOnFailure<T>(sessions: readonly InferenceSession[], work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    await releaseSessions(sessions);
    throw error;
  }
}

/**
 * How long WebGPU's sessions may take to build once the files are in. Building
 * asks the adapter for a device, and a driver can leave that unanswered for
 * good (one Chrome 111 release did). On SwiftShader, a CPU adapter far
 * slower than real ones, both sessions built in 1.7-1.8 s (three loads, in
 * Chromium here). Past this the model loads on WASM.
 */
export const WEBGPU_BUILD_MS = 10_000;

/** onnxruntime's WebAssembly can throw a bare number (a C++ exception's address): say where it came from. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : `onnxruntime threw ${String(error)}`;
}

function quietNoise(seconds: number): Float32Array {
  const noise = new Float32Array(SAMPLE_RATE * seconds);
  for (let i = 0; i < noise.length; i++) noise[i] = (Math.random() - 0.5) * 1e-3;
  return noise;
}

/**
 * The first call after loading is ~2× slower (measured): pay it before the
 * user's first words are decoded, while they press Start and begin to speak.
 * Only on the page's first load (see `LoadMode`).
 */
function warmUp(model: MoonshineModel): Promise<void> {
  return model.warmUp(quietNoise(1), { maxTokens: 4 });
}

/** Milliseconds for one short decode on a warmed-up model: the backend measurement. */
async function probeDecode(model: MoonshineModel): Promise<number> {
  const audio = quietNoise(2);
  const t0 = performance.now();
  await model.decode(audio, { maxTokens: 8 });
  return performance.now() - t0;
}

/**
 * Loads Moonshine and picks the backend: the person's setting if they made
 * one, else a decision remembered from an earlier visit, else a short
 * measurement of both backends. A software WebGPU adapter is never picked
 * automatically: it transcribes correctly but dozens of times slower.
 */
export async function loadStt(
  urls: ModelUrls,
  setting: BackendSetting,
  remembered: BackendDecision | null,
  mode: LoadMode,
  onProgress: ProgressCallback,
): Promise<LoadedStt> {
  // The models download while the GPU is probed and the runtime's code loads.
  const bytes: ModelBytes = {
    encoder: modelBytes(urls, MODEL_FILES.moonshineEncoder, 'speech encoder', mode, onProgress),
    decoder: modelBytes(urls, MODEL_FILES.moonshineDecoder, 'speech decoder', mode, onProgress),
  };
  // A failed download rejects in buildModel; until then nobody awaits these.
  for (const download of Object.values(bytes)) download.catch(() => {});
  try {
    return await pickAndBuild(bytes, setting, remembered, mode, urls);
  } finally {
    // Every session is built, or never will be: none needs the files' bytes any more. (A WebGPU
    // build that ran out of time may still be waiting for its device; if it ever finishes, its
    // sessions are released, see `build`.)
    for (const download of Object.values(bytes)) void download.then(releaseBytes, () => {});
  }
}

async function pickAndBuild(
  bytes: ModelBytes,
  setting: BackendSetting,
  remembered: BackendDecision | null,
  mode: LoadMode,
  urls: ModelUrls,
): Promise<LoadedStt> {
  const threads = wasmThreads();
  const gpu = setting === 'wasm' ? null : await probeWebGpu();
  // The WebGPU bundle also runs the WASM backend, so one runtime serves whichever backend is chosen.
  const ort = await loadOrt(gpu?.available ? 'webgpu' : 'wasm', urls.ort, threads, urls.compiledRuntimes);

  const filesIn = () => Promise.all([bytes.encoder, bytes.decoder]);
  const build = async (backend: BackendName, reason: string, measuring = false, runtime = ort): Promise<LoadedStt> => {
    let built: Awaited<ReturnType<typeof buildModel>>;
    if (backend === 'webgpu') {
      // Built while the files download, as on WASM, but timed only from when they are in: a slow
      // download is no WebGPU failure, and a failed one is the load's (filesIn rethrows it).
      const building = buildModel(runtime, bytes, backend);
      building.catch(() => {}); // observed by withinTime, unless filesIn throws first
      await filesIn();
      built = await withinTime(building, WEBGPU_BUILD_MS, 'building the sessions', (late) =>
        releaseSessions(late.sessions),
      );
    } else built = await buildModel(runtime, bytes, backend);
    // A measurement must not time the first-run cost. On WebGPU the first run also compiles the
    // shaders, seconds on a slow adapter (measured on SwiftShader): a Stop soon after Start would run
    // out of time for the final, so there the model is ready only once it is warm.
    if (measuring || (mode.kind === 'first' && backend === 'webgpu')) {
      await releasingOnFailure(built.sessions, warmUp(built.model));
    }
    // Otherwise the model is ready before its warm-up is done: the person can start speaking while
    // it runs, and the model holds their decodes back until then (`MoonshineModel.warmUp`). A failed
    // warm-up only costs time: the first real decode reports whatever is wrong.
    else if (mode.kind === 'first') void warmUp(built.model).catch(() => {});
    return { ...built, decision: { backend, threads, reason, adapter: gpu?.description } };
  };
  const wasm = (reason: string) => build('wasm', reason);
  // A driver, an adapter or an operator WebGPU cannot run must not cost the person their dictation:
  // WASM runs the model on any browser that got this far. Not on the WebGPU bundle's runtime, though:
  // after a failed WebGPU start it threw a bare number and then hung every session asked of it
  // (measured in Node). The plain WASM runtime is a module and an instance of its own.
  // (The failed runtime's instance and heap stay in this worker: only a failure pays for them.)
  const fallBack = async (error: unknown, context: string) => {
    // A file that could not be downloaded is no WebGPU failure: that error is the load's.
    await filesIn();
    const plain = await loadOrt('wasm', urls.ort, threads, urls.compiledRuntimes);
    return build('wasm', `WebGPU failed (${context}): ${messageOf(error)}`, false, plain);
  };
  const webgpu = async (reason: string) => {
    try {
      return await build('webgpu', reason);
    } catch (error) {
      return fallBack(error, reason);
    }
  };

  if (setting === 'wasm') return wasm('chosen in settings');
  if (setting === 'webgpu') {
    if (!gpu?.available) return wasm(`WebGPU chosen but unavailable (${gpu?.description ?? 'no adapter'})`);
    return webgpu('chosen in settings');
  }
  if (!gpu?.available) return wasm(gpu?.description ?? 'no WebGPU');
  if (gpu.software) return wasm(`WebGPU adapter is software (${gpu.description})`);
  if (remembered && remembered.adapter === gpu.description && remembered.threads === threads) {
    return remembered.backend === 'webgpu'
      ? webgpu(`measured earlier: ${describeDecision(remembered)}`)
      : wasm(`measured earlier: ${describeDecision(remembered)}`);
  }

  // Measure both on the same probe audio and keep the faster: warmed up, whatever the mode, or the
  // measurement would time the first-run cost. A backend that fails here is simply not chosen.
  const measure = async (backend: BackendName) => {
    const built = await build(backend, 'measured', true);
    return { built, ms: await releasingOnFailure(built.sessions, probeDecode(built.model)) };
  };
  let onGpu: Awaited<ReturnType<typeof measure>>;
  try {
    onGpu = await measure('webgpu');
  } catch (error) {
    return fallBack(error, 'measuring both backends');
  }
  let onCpu: Awaited<ReturnType<typeof measure>>;
  try {
    onCpu = await measure('wasm');
  } catch (error) {
    onGpu.built.decision.reason = `WASM failed (measuring both backends): ${messageOf(error)}`;
    return onGpu.built;
  }
  const measuredMs = { webgpu: Math.round(onGpu.ms), wasm: Math.round(onCpu.ms) };
  const [keep, drop] = onGpu.ms < onCpu.ms ? [onGpu.built, onCpu.built] : [onCpu.built, onGpu.built];
  await releaseSessions(drop.sessions);
  keep.decision = {
    ...keep.decision,
    measuredMs,
    reason: `faster in a measurement (${describeDecision({ ...keep.decision, measuredMs })})`,
  };
  return keep;
}

function describeDecision(decision: BackendDecision): string {
  const m = decision.measuredMs;
  return m ? `WebGPU ${m.webgpu ?? '?'} ms, WASM ${m.wasm ?? '?'} ms` : decision.backend;
}
