import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { MoonshineModel } from '../../src/engine/moonshine';
import { WASM_GRAPH_OPTIMIZATION } from '../../src/engine/onnx';
import { detokenize } from '../../src/engine/tokenizer';
import { readRaw16k } from './vocabulary-sets';

// The real Moonshine tiny models (copied into public/models by `npm install`)
// on a real human recording: pocketsphinx's "go forward ten meters" test file,
// 16 kHz signed 16-bit little-endian mono without a header.
const MODELS = new URL('../../public/models/', import.meta.url);
const RECORDING = '/usr/share/pocketsphinx/test/data/goforward.raw';
const EXPECTED_TEXT = 'Go forward ten meters.';
const EXPECTED_TOKENS = [2921, 6375, 3006, 27881, 29889];

/**
 * A decoder that behaves exactly like the real one except for how it presents
 * its outputs: a list of names in another order, and/or result maps whose keys
 * come in another order. Code that pairs outputs by position breaks on it.
 */
function reorderedDecoder(
  session: ort.InferenceSession,
  { names, results }: { names: boolean; results: boolean },
): ort.InferenceSession {
  const outputNames = names ? [...session.outputNames].reverse() : session.outputNames;
  return {
    inputNames: session.inputNames,
    outputNames,
    inputMetadata: session.inputMetadata,
    outputMetadata: session.outputMetadata,
    run: async (feeds: ort.InferenceSession.FeedsType) => {
      const out = await session.run(feeds);
      if (!results) return out;
      return Object.fromEntries(Object.entries(out).reverse());
    },
  } as unknown as ort.InferenceSession;
}

let encoder: ort.InferenceSession;
let decoder: ort.InferenceSession;
let audio: Float32Array;

beforeAll(async () => {
  // One thread: Node has no cross-origin isolation concerns, but the test
  // machine is small and the model is tiny.
  ort.env.wasm.numThreads = 1;
  encoder = await ort.InferenceSession.create(readFileSync(new URL('moonshine-tiny-encoder.onnx', MODELS)));
  decoder = await ort.InferenceSession.create(readFileSync(new URL('moonshine-tiny-decoder-merged.onnx', MODELS)));
  audio = readRaw16k(RECORDING);
});

describe('MoonshineModel on the real models', () => {
  it('transcribes the recording in full and reports that the decoder finished', async () => {
    expect(audio.length).toBe(44_580); // ~2.8 s: the file really is what the test assumes
    const result = await new MoonshineModel(ort.Tensor, encoder, decoder).decode(audio);
    expect(result).toMatchObject({ tokens: EXPECTED_TOKENS, finished: true, aborted: false });
    expect(detokenize(result.tokens)).toBe(EXPECTED_TEXT);
  });

  it('keeps the last token when the budget runs out, and says it did not finish', async () => {
    const model = new MoonshineModel(ort.Tensor, encoder, decoder);
    const three = await model.decode(audio, { maxTokens: 3 });
    expect(three).toMatchObject({ tokens: EXPECTED_TOKENS.slice(0, 3), finished: false, aborted: false });

    // A budget exactly as long as the text still cannot see the EOS after it.
    const exact = await model.decode(audio, { maxTokens: EXPECTED_TOKENS.length });
    expect(exact).toMatchObject({ tokens: EXPECTED_TOKENS, finished: false });
    const roomForEos = await model.decode(audio, { maxTokens: EXPECTED_TOKENS.length + 1 });
    expect(roomForEos).toMatchObject({ tokens: EXPECTED_TOKENS, finished: true });
  });

  it('holds a decode asked for during the warm-up until the warm-up is done, and not after a failed one', async () => {
    const runs: string[] = [];
    const logged = (name: string, session: ort.InferenceSession) =>
      ({
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        inputMetadata: session.inputMetadata,
        outputMetadata: session.outputMetadata,
        run: async (feeds: ort.InferenceSession.FeedsType) => {
          runs.push(`${name} ${(feeds.input_values as ort.Tensor | undefined)?.dims[1] ?? ''}`.trim());
          return session.run(feeds);
        },
      }) as unknown as ort.InferenceSession;
    const model = new MoonshineModel(ort.Tensor, logged('encoder', encoder), logged('decoder', decoder));
    const warm = model.warmUp(new Float32Array(16_000), { maxTokens: 2 }).then(() => runs.push('warmed up'));
    const real = model.decode(audio);
    expect((await real).tokens).toEqual(EXPECTED_TOKENS);
    await warm;
    expect(runs[0]).toBe('encoder 16000');
    expect(runs.indexOf('warmed up')).toBeGreaterThan(0);
    expect(runs.indexOf('warmed up')).toBeLessThan(runs.indexOf(`encoder ${audio.length}`));

    // A warm-up that fails rejects, and the decodes waiting for it still run.
    const failing = model.warmUp(new Float32Array(0));
    const after = model.decode(audio);
    await expect(failing).rejects.toThrow();
    expect((await after).tokens).toEqual(EXPECTED_TOKENS);
  });

  it('abandons the decode when shouldContinue() says so', async () => {
    const model = new MoonshineModel(ort.Tensor, encoder, decoder);
    const none = await model.decode(audio, { shouldContinue: () => false });
    expect(none).toMatchObject({ tokens: [], aborted: true, finished: false });

    // Turning false midway keeps what was decoded so far.
    let checks = 0;
    const partway = await model.decode(audio, { shouldContinue: () => ++checks <= 2 });
    expect(partway).toMatchObject({ tokens: EXPECTED_TOKENS.slice(0, 2), aborted: true, finished: false });
  });

  it('maps KV-cache outputs to inputs by name, not by position', async () => {
    for (const order of [
      { names: true, results: false },
      { names: false, results: true },
      { names: true, results: true },
    ]) {
      const model = new MoonshineModel(ort.Tensor, encoder, reorderedDecoder(decoder, order));
      const result = await model.decode(audio);
      expect(result.tokens, JSON.stringify(order)).toEqual(EXPECTED_TOKENS);
      expect(result.finished).toBe(true);
    }
  });

  it('is sensitive to a wrong cache mapping, so the test above can fail', async () => {
    // Control: hand back every layer's self-attention key and value swapped
    // (same shapes, so onnxruntime accepts them). If the transcript survived
    // this, the by-name test above would prove nothing. (Swapping a single
    // layer is not enough: the tiny model shrugs that off on this clip.)
    const layers = decoder.outputNames.filter((n) => /^present\.\d+\.decoder\.key$/.test(n)).length;
    expect(layers).toBe(6);
    const swapped = {
      inputNames: decoder.inputNames,
      outputNames: decoder.outputNames,
      inputMetadata: decoder.inputMetadata,
      outputMetadata: decoder.outputMetadata,
      run: async (feeds: ort.InferenceSession.FeedsType) => {
        const out = { ...(await decoder.run(feeds)) };
        for (let layer = 0; layer < layers; layer++) {
          const key = out[`present.${layer}.decoder.key`];
          const value = out[`present.${layer}.decoder.value`];
          if (!key || !value) throw new Error('decoder outputs are not named as expected');
          out[`present.${layer}.decoder.key`] = value;
          out[`present.${layer}.decoder.value`] = key;
        }
        return out;
      },
    } as unknown as ort.InferenceSession;
    const result = await new MoonshineModel(ort.Tensor, encoder, swapped).decode(audio);
    expect(result.tokens).not.toEqual(EXPECTED_TOKENS);
    expect(detokenize(result.tokens)).not.toBe(EXPECTED_TEXT);
  });

  it("builds the encoder with the app's graph optimisation and gets the same hidden states", async () => {
    // The app builds sessions per model (src/engine/onnx.ts); the sessions
    // above use onnxruntime's default, every rewrite.
    const asBuilt = await ort.InferenceSession.create(readFileSync(new URL('moonshine-tiny-encoder.onnx', MODELS)), {
      graphOptimizationLevel: WASM_GRAPH_OPTIMIZATION.moonshineEncoder,
    });
    const feeds = { input_values: new ort.Tensor('float32', audio, [1, audio.length]) };
    const expected = (await encoder.run(feeds)).last_hidden_state as ort.Tensor;
    const actual = (await asBuilt.run(feeds)).last_hidden_state as ort.Tensor;
    expect(actual.dims).toEqual(expected.dims);
    const a = actual.data as Float32Array;
    const e = expected.data as Float32Array;
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < e.length; i++) {
      worst = Math.max(worst, Math.abs((a[i] as number) - (e[i] as number)));
      scale = Math.max(scale, Math.abs(e[i] as number));
    }
    // Folding only moves where the int8 weights become float: rounding, not a different model.
    expect(worst / scale).toBeLessThan(1e-3);
    const result = await new MoonshineModel(ort.Tensor, asBuilt, decoder).decode(audio);
    expect(result.tokens).toEqual(EXPECTED_TOKENS);
    await asBuilt.release();
  });
});
