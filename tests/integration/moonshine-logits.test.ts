import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { quantizeLogitsProjection } from '../../scripts/moonshine-logits.mjs';
import { MoonshineModel } from '../../src/engine/moonshine';
import { WASM_GRAPH_OPTIMIZATION } from '../../src/engine/onnx';
import { detokenize } from '../../src/engine/tokenizer';
import { HUMAN_PROSE_DIR, humanProseClips, readRaw16k } from './vocabulary-sets';

// The decoder as the package ships it (kept by `npm install`) against the one
// installed in public/models, rewritten by scripts/moonshine-logits.mjs, on
// human recordings no one tuned on.
const ROOT = new URL('../../', import.meta.url).pathname;
const ORIGINAL = join(ROOT, '.cache/models/moonshine-tiny-decoder-merged.onnx');
const INSTALLED = join(ROOT, 'public/models/moonshine-tiny-decoder-merged.onnx');
const ENCODER = join(ROOT, 'public/models/moonshine-tiny-encoder.onnx');
const COMMAND_RECORDING = join(HUMAN_PROSE_DIR, 'goforward.raw');

/** Every logits vector a decoder returns, in order. */
function recording(session: ort.InferenceSession, steps: Float32Array[]): ort.InferenceSession {
  return Object.create(session, {
    run: {
      value: async (feeds: ort.InferenceSession.FeedsType) => {
        const out = await session.run(feeds);
        steps.push((out.logits as ort.Tensor).data as Float32Array);
        return out;
      },
    },
  }) as ort.InferenceSession;
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  return best;
}

let encoder: ort.InferenceSession;
let original: ort.InferenceSession;
let installed: ort.InferenceSession;
const audio: Float32Array[] = [];

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  const build = (bytes: Uint8Array, graphOptimizationLevel: 'all' | 'disabled') =>
    ort.InferenceSession.create(bytes, { graphOptimizationLevel });
  encoder = await build(readFileSync(ENCODER), WASM_GRAPH_OPTIMIZATION.moonshineEncoder);
  original = await build(readFileSync(ORIGINAL), WASM_GRAPH_OPTIMIZATION.moonshineDecoder);
  installed = await build(readFileSync(INSTALLED), WASM_GRAPH_OPTIMIZATION.moonshineDecoder);
  const dir = mkdtempSync(join(tmpdir(), 'utter-logits-'));
  audio.push(...humanProseClips(dir).map((clip) => clip.audio), readRaw16k(COMMAND_RECORDING));
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the installed Moonshine decoder (logits from the int8 table)', () => {
  it('is exactly what the rewrite makes of the package file', () => {
    expect(existsSync(ORIGINAL)).toBe(true);
    const rewritten = quantizeLogitsProjection(readFileSync(ORIGINAL));
    expect(Buffer.from(rewritten).equals(readFileSync(INSTALLED))).toBe(true);
  });

  it('refuses a graph it was not written for', () => {
    expect(() => quantizeLogitsProjection(readFileSync(ENCODER))).toThrow(/moonshine-logits/);
    expect(() => quantizeLogitsProjection(readFileSync(INSTALLED))).toThrow(/moonshine-logits/);
  });

  it('writes the same words as the original on human speech, with logits that agree closely', async () => {
    let largestDeviation = 0;
    for (const clip of audio) {
      const before: Float32Array[] = [];
      const after: Float32Array[] = [];
      const a = await new MoonshineModel(ort.Tensor, encoder, recording(original, before)).decode(clip);
      const b = await new MoonshineModel(ort.Tensor, encoder, recording(installed, after)).decode(clip);
      expect(detokenize(b.tokens)).toBe(detokenize(a.tokens));
      expect(after.length).toBe(before.length);
      for (const [step, logits] of before.entries()) {
        const rewritten = after[step] as Float32Array;
        expect(argmax(rewritten)).toBe(argmax(logits));
        const range = Math.max(...logits.map(Math.abs));
        const deviation = (i: number) => Math.abs((logits[i] ?? 0) - (rewritten[i] ?? 0)) / range;
        // The best eight of the 8-bit pass are recomputed in float32 (the same
        // values as the original's, up to the order of the additions), and
        // every other logit is held at or below the lowest of them: so the
        // eight largest logits are the exact ones, ties at the eighth aside.
        const eighth = [...rewritten].sort((x, y) => y - x)[7] ?? 0;
        let exactAtEighth = 0;
        for (let i = 0; i < rewritten.length; i++) {
          const value = rewritten[i] ?? 0;
          if (value > eighth) expect(deviation(i)).toBeLessThan(1e-5);
          if (value === eighth && deviation(i) < 1e-5) exactAtEighth++;
          largestDeviation = Math.max(largestDeviation, deviation(i));
        }
        expect(exactAtEighth).toBeGreaterThan(0);
      }
      // Drafted, as the app decodes a growing segment: the draft's tokens go
      // in one batched run, so every shape carries more than one position.
      const draftedBefore = await new MoonshineModel(ort.Tensor, encoder, original).decode(clip, { draft: a.tokens });
      const draftedAfter = await new MoonshineModel(ort.Tensor, encoder, installed).decode(clip, { draft: a.tokens });
      expect(draftedAfter.draftSteps).toBeGreaterThan(0);
      expect(detokenize(draftedAfter.tokens)).toBe(detokenize(draftedBefore.tokens));
    }
    // The others come from an 8-bit hidden state, as for every other
    // projection in the model: measured 0.96% of the largest logit at worst
    // on these recordings. A wrong scale, zero point or layout is far beyond 2%.
    expect(largestDeviation).toBeGreaterThan(0);
    expect(largestDeviation).toBeLessThan(0.02);
  }, 60_000);
});
