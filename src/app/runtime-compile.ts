import type { CompiledRuntimes } from '../shared/types';

/**
 * onnxruntime-web's plain WebAssembly runtime (its threaded SIMD build): what
 * the VAD always runs on, and the STT unless it picks WebGPU. The name is
 * onnxruntime's own; if a new version renames it, the compile below fails and
 * each worker simply compiles its runtime itself, as before.
 */
export const ORT_WASM_FILE = 'ort-wasm-simd-threaded.wasm';

/**
 * Compiles the runtime once for both model workers and every replacement, so
 * they share one copy of its machine code, already optimised by the time a
 * replacement needs it. Measured on a 2-core machine (two runs each, noisy):
 * renderer peak while dictating 702–758 MB against 722–791 MB with a copy per
 * worker; a replaced speech worker transcribing again 1.5–1.6 s after its
 * failure against 2.2–2.4 s. Streaming compilation runs on the browser's
 * background threads, not on the main thread.
 */
export async function compileRuntime(ortBaseUrl: string): Promise<CompiledRuntimes> {
  try {
    return { [ORT_WASM_FILE]: await WebAssembly.compileStreaming(fetch(ortBaseUrl + ORT_WASM_FILE)) };
  } catch {
    // No streaming compile, a host serving .wasm with the wrong type, or offline without a copy:
    // the workers fetch and compile it themselves, and say so if that fails too.
    return {};
  }
}
