import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TermBiasing } from '../../src/engine/biasing';
import type { DecodeOptions, MoonshineModel } from '../../src/engine/moonshine';
import { biasTokenizer, detokenize } from '../../src/engine/tokenizer';
import { wordEdits, wordErrorRate } from '../../src/engine/wer';
import {
  decodeGrowing,
  humanProseClips,
  loadMoonshine,
  SPEED,
  synthesise,
  synthesisedProseClips,
  TERM_SENTENCES,
} from './vocabulary-sets';

// A draft (the tokens of an earlier decode of the same segment) saves the
// decoder most of its runs. A batched run is not bit-identical to single steps
// (see src/engine/moonshine.ts), so what is checked is what matters: the runs
// saved, and the same accuracy, on held-out audio decoded the way the app
// decodes a growing segment (partials, each drafted from the one before).

let dir: string;
let model: MoonshineModel;
let decoderRuns = 0;
let clips: { text: string; audio: Float32Array; biasing: TermBiasing | null }[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'utter-draft-'));
  model = await loadMoonshine(() => decoderRuns++);
  const list = TermBiasing.build(
    TERM_SENTENCES.map((t) => t.term),
    biasTokenizer,
  );
  clips = [
    ...humanProseClips(dir).map((clip) => ({ ...clip, biasing: null })),
    ...synthesisedProseClips(dir, 'heldOut', ['en-us']).map((clip) => ({ ...clip, biasing: null })),
    // With a vocabulary, whose bias can make the decoder go back a step.
    ...TERM_SENTENCES.map(({ heldOut }) => ({
      text: heldOut,
      audio: synthesise(dir, heldOut, 'en+f3', SPEED.heldOut),
      biasing: list,
    })),
  ];
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function decode(audio: Float32Array, options: DecodeOptions) {
  decoderRuns = 0;
  const result = await model.decode(audio, options);
  return { ...result, runs: decoderRuns };
}

describe('decoding with a draft, on the real models', () => {
  it('takes a right draft in one decoder run, a partial one in fewer runs, and a wrong one at no cost', async () => {
    for (const { text, audio } of clips.filter((c) => c.biasing === null).slice(0, 8)) {
      const plain = await decode(audio, {});
      expect(plain.finished, text).toBe(true);
      // One run per token and one for the end.
      expect(plain.runs, text).toBe(plain.tokens.length + 1);

      const own = await decode(audio, { draft: plain.tokens });
      expect(own.runs, text).toBe(1);
      expect(own.draftSteps, text).toBe(plain.tokens.length);

      const earlier = await decode(audio.subarray(0, Math.floor(audio.length * 0.8)), {});
      const fromPartial = await decode(audio, { draft: earlier.tokens });
      expect(fromPartial.runs, text).toBe(fromPartial.tokens.length + 1 - fromPartial.draftSteps);

      // A draft whose first token is wrong is scored in the first run and dropped there.
      const wrong = await decode(audio, { draft: [...plain.tokens].reverse() });
      expect(wrong.draftSteps, text).toBe(0);
      expect(wrong.runs, text).toBe(wrong.tokens.length + 1);
      // A draft longer than the budget is cut to it.
      const long = await decode(audio, { draft: [...plain.tokens, ...plain.tokens, ...plain.tokens], maxTokens: 6 });
      expect(long.tokens.length, text).toBeLessThanOrEqual(6);
    }
  }, 300_000);

  it('decodes a growing segment as accurately with drafts as without, in far fewer decoder runs', async () => {
    let words = 0;
    const errors = { plain: 0, drafted: 0 };
    const runs = { plain: 0, drafted: 0 };
    for (const { text, audio, biasing } of clips) {
      words += wordErrorRate(text, '').refWords;
      const plain = await decode(audio, { biasing });
      const whole = await decodeGrowing(decode, audio, [0.5, 0.75, 1], biasing);
      runs.plain += plain.runs;
      runs.drafted += whole.runs;
      errors.plain += wordEdits(text, detokenize(plain.tokens));
      errors.drafted += wordEdits(text, detokenize(whole.tokens));
    }
    const wer = (e: number) => (100 * e) / words;
    console.info(
      `${clips.length} clips, ${words} words: WER ${wer(errors.plain).toFixed(2)}% plain, ${wer(errors.drafted).toFixed(2)}% drafted; decoder runs for the whole ${runs.plain} plain, ${runs.drafted} drafted`,
    );
    expect(wer(errors.plain)).toBeLessThan(25); // the model really hears the audio
    expect(wer(errors.drafted) - wer(errors.plain)).toBeLessThanOrEqual(0.5);
    expect(runs.drafted).toBeLessThan(runs.plain * 0.6);
  }, 300_000);
});
