import { TimedOut, withinTime } from './within-time';

/**
 * What WebGPU this browser offers. Typed loosely on purpose: the WebGPU types
 * are not in TypeScript's standard libs and only these few fields are read.
 */
export interface AdapterSummary {
  available: boolean;
  /** A CPU implementation (SwiftShader, WARP, llvmpipe): correct but far slower than WASM. */
  software: boolean;
  description: string;
}

interface LooseAdapter {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|warp|software|microsoft basic render/i;

/**
 * How long the adapter may take to answer. WebGPU lets requestAdapter wait
 * (the GPU process starting, a tab in the background), and a driver can leave
 * it unanswered for good. Past this the model loads on WASM, which every
 * browser that got this far can run.
 */
export const ADAPTER_WAIT_MS = 3000;

export async function probeWebGpu(): Promise<AdapterSummary> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<LooseAdapter | null> } }).gpu;
  if (!gpu) return { available: false, software: false, description: 'no WebGPU in this browser' };
  let adapter: LooseAdapter | null = null;
  try {
    adapter = await withinTime(gpu.requestAdapter(), ADAPTER_WAIT_MS, 'the adapter request');
  } catch (error) {
    if (error instanceof TimedOut) {
      return {
        available: false,
        software: false,
        description: `no answer from the WebGPU adapter within ${ADAPTER_WAIT_MS / 1000} s`,
      };
    }
    adapter = null;
  }
  if (!adapter) return { available: false, software: false, description: 'no WebGPU adapter' };
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const software =
    adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || SOFTWARE_NAMES.test(description);
  return { available: true, software, description };
}
