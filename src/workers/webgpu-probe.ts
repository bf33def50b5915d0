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

export async function probeWebGpu(): Promise<AdapterSummary> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<LooseAdapter | null> } }).gpu;
  if (!gpu) return { available: false, software: false, description: 'no WebGPU in this browser' };
  let adapter: LooseAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch {
    adapter = null;
  }
  if (!adapter) return { available: false, software: false, description: 'no WebGPU adapter' };
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const software =
    adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || SOFTWARE_NAMES.test(description);
  return { available: true, software, description };
}
