import * as Comlink from 'comlink';
import type { LoadMode, ModelFiles } from '../shared/types';

/**
 * Fetches a replacement worker's model files on the page while the worker
 * itself starts. A new speech worker spends its first 0.3–0.6 s starting
 * up (its script, then the tokenizer's vocabulary), and a fetch it made
 * itself could only begin after that; fetched here, the bytes are in before
 * it asks (measured on a 2-core machine: encoder bytes waited for 0.3–0.45 s
 * after the runtime loaded, 0 ms now). Never rejects: a file that could not
 * be fetched here is left out, and the worker fetches it itself and says
 * what went wrong.
 */
export async function prefetchModelFiles(modelsUrl: string, names: readonly string[]): Promise<ModelFiles> {
  const fetched = await Promise.all(
    names.map(async (name) => {
      try {
        const response = await fetch(modelsUrl + name);
        return response.ok ? ([[name, new Uint8Array(await response.arrayBuffer())]] as const) : [];
      } catch {
        return [];
      }
    }),
  );
  return Object.fromEntries(fetched.flat());
}

/** A load mode as an RPC argument: the page's copies of the files move to the worker, never copied. */
export function sendLoadMode(mode: LoadMode): LoadMode {
  if (mode.kind === 'first') return mode;
  return Comlink.transfer(
    mode,
    Object.values(mode.files).map((bytes) => bytes.buffer),
  );
}
