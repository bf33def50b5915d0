import type { InferenceSession, Tensor } from 'onnxruntime-web';

/** A model produced something other than what this code was written for. */
export class ModelOutputError extends Error {
  override name = 'ModelOutputError';
}

/** Looks an output up by name and fails loudly, naming the model, when it is missing. */
export function requireOutput(outputs: InferenceSession.OnnxValueMapType, name: string, model: string): Tensor {
  const value = outputs[name];
  if (!value) {
    throw new ModelOutputError(`${model} returned no "${name}" (outputs: ${Object.keys(outputs).join(', ')})`);
  }
  return value;
}

/** How much of onnxruntime's graph rewriting a model gets when its session is built. */
export type GraphOptimization = 'all' | 'disabled';

/**
 * Per model, on the WASM backend. Moonshine's encoder is built unoptimised:
 * its quantized weights are int8 behind DequantizeLinear, and graph
 * optimisation folds those into float32 copies, four times the size.
 * Measured in onnxruntime-web (1 thread, 28 s of speech): the Wasm heap
 * 146 → 130 MB once dictating, session creation 1.7 → 0.9 s, encoder speed and
 * every hypothesis unchanged (tests/integration/moonshine-decoding.test.ts
 * checks the encoder's output; those heap figures predate the decoder's
 * rewrite below). The decoder keeps its fusions: unoptimised, each token took
 * 1.7× as long. Its one float32 expansion, the logits projection's, is removed
 * at install instead (scripts/moonshine-logits.mjs: heap 130 → 82 MB). Silero
 * is built unoptimised too: its session is what Start waits for, and in the
 * browser it took 270–350 ms instead of ~620 ('extended': 310–590), with the
 * same probabilities (tests/integration/silero-build.test.ts). The price is
 * per frame: 0.94 against 0.72 ms in Node, interleaved, 0.7% of a core while
 * listening.
 */
export const WASM_GRAPH_OPTIMIZATION = {
  moonshineEncoder: 'disabled',
  moonshineDecoder: 'all',
  silero: 'disabled',
} as const satisfies Record<string, GraphOptimization>;
