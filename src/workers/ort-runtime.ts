import type * as Ort from 'onnxruntime-web';
import type { GraphOptimization } from '../engine/onnx';
import type { BackendName, CompiledRuntimes } from '../shared/types';

export type OrtModule = typeof Ort;

/**
 * Loads the onnxruntime-web flavour a backend needs, configured to fetch its
 * `.mjs`/`.wasm` from the app's own origin. The WebGPU bundle is only pulled
 * in when WebGPU may be used: it is twice the size of the WASM-only one.
 */
export async function loadOrt(
  backend: BackendName,
  ortBaseUrl: string,
  threads: number,
  known: CompiledRuntimes = {},
): Promise<OrtModule> {
  reuseCompiledRuntimes(known);
  const ort: OrtModule =
    backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  ort.env.wasm.wasmPaths = ortBaseUrl;
  ort.env.wasm.numThreads = threads;
  // We already are in a worker; ort's own proxy worker would be one hop too many.
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return ort;
}

/**
 * Threads help Moonshine's encoder (RTF 0.059 → 0.047 with 2, measured), but
 * a core is left for the UI, the audio thread and the VAD: on a 2-core machine
 * a 2-thread decode starved the main thread into 60–85 ms long tasks. Without
 * cross-origin isolation ort silently uses one thread anyway.
 */
export function wasmThreads(): number {
  if (!self.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 1) - 1));
}

export async function createSession(
  ort: OrtModule,
  bytes: Uint8Array,
  backend: BackendName,
  optimization: GraphOptimization = 'all',
): Promise<Ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    executionProviders: [backend],
    graphOptimizationLevel: optimization,
  });
}

/** What this worker compiled or was given, for the page to hand to replacements. */
const compiled: CompiledRuntimes = {};
let instantiationHooked = false;

/**
 * onnxruntime-web offers no way to hand it a compiled module, and compiling
 * its 14 MB of WebAssembly, then running session creation on baseline code,
 * is most of a replacement worker's start (measured: decoder session 1.1–1.3 s
 * in a fresh worker, 0.85 s on warm code). Its runtime is instantiated with
 * `WebAssembly.instantiateStreaming(fetch(url), imports)`: this wraps that
 * one call, so a module the page already has is instantiated directly, and
 * one compiled here is kept. Any other source falls through unchanged.
 */
function reuseCompiledRuntimes(known: CompiledRuntimes): void {
  Object.assign(compiled, known);
  if (instantiationHooked) return;
  instantiationHooked = true;
  const native = WebAssembly.instantiateStreaming.bind(WebAssembly);
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    const name = runtimeFileName(response.url);
    const module = name ? compiled[name] : undefined;
    if (module) {
      void response.body?.cancel().catch(() => {});
      return { module, instance: await WebAssembly.instantiate(module, imports) };
    }
    const result = await native(response, imports);
    if (name) compiled[name] = result.module;
    return result;
  };
}

/** Only onnxruntime's own `.wasm` files are cached; `null` for anything else. */
function runtimeFileName(url: string): string | null {
  const name = url.slice(url.lastIndexOf('/') + 1).split(/[?#]/)[0] ?? '';
  return /^ort-wasm[\w.-]*\.wasm$/.test(name) ? name : null;
}

export function compiledRuntimes(): CompiledRuntimes {
  return { ...compiled };
}
