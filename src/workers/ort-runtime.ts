import type * as Ort from 'onnxruntime-web';
import type { BackendName } from '../shared/types';

export type OrtModule = typeof Ort;

/**
 * Loads the onnxruntime-web flavour a backend needs, configured to fetch its
 * `.mjs`/`.wasm` from the app's own origin. The WebGPU bundle is only pulled
 * in when WebGPU may be used: it is twice the size of the WASM-only one.
 */
export async function loadOrt(backend: BackendName, ortBaseUrl: string, threads: number): Promise<OrtModule> {
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
): Promise<Ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
  });
}
