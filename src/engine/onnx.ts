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
