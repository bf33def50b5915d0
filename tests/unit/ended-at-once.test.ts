import type { Tensor } from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { END_AT_MOST, WORDS_WITHIN, wordsAfterAll } from '../../src/engine/ended-at-once';
import type { DecodeOptions, MoonshineModel } from '../../src/engine/moonshine';
import { ScoringAbandoned, type SequenceScorer } from '../../src/engine/sequence-scorer';
import { biasTokenizer } from '../../src/engine/tokenizer';

const NO = biasTokenizer.encode('No.', true);
const audio = new Float32Array(16000);

/** A stand-in model whose retry writes `retry`, scoring the end at once `end` and the words `words`. */
function model({ end = -0.8, words = -1.5, retry = NO, finished = true, aborted = false } = {}) {
  const seen: DecodeOptions[] = [];
  const stand = {
    seen,
    decode: async (_audio: Float32Array, options: DecodeOptions = {}) => {
      seen.push(options);
      return {
        tokens: retry,
        finished,
        aborted,
        encoderMs: 0,
        decoderMs: 0,
        draftSteps: 0,
        encoding: options.keepEncoding ? ({} as Tensor) : undefined,
      };
    },
    scorer: (_hidden: Tensor, shouldContinue = () => true): SequenceScorer => ({
      score: async (sequences) => {
        if (!shouldContinue()) throw new ScoringAbandoned();
        return sequences.map((s) => (s.length === 0 ? end : words));
      },
    }),
  };
  return stand as typeof stand & Pick<MoonshineModel, 'decode' | 'scorer'>;
}

describe('wordsAfterAll', () => {
  it('keeps the words when the model was unsure nothing was said and finds them nearly as likely', async () => {
    const stand = model({ end: -0.8, words: -0.8 - WORDS_WITHIN });
    expect(await wordsAfterAll(audio, stand, () => true)).toBe('No.');
    // Decoded again unbiased, the end barred at the first step, its encoding kept for the scores.
    expect(stand.seen[0]).toMatchObject({ biasing: null, somethingFirst: true, keepEncoding: true });
  });

  it('keeps nothing when the model was sure nothing was said (a cough: the end at once near certain)', async () => {
    expect(await wordsAfterAll(audio, model({ end: END_AT_MOST + 0.01, words: -0.1 }), () => true)).toBeNull();
  });

  it('keeps nothing when the words are far less likely than ending at once', async () => {
    expect(await wordsAfterAll(audio, model({ end: -0.8, words: -0.81 - WORDS_WITHIN }), () => true)).toBeNull();
  });

  it('keeps nothing from a retry that ran out of tokens or wrote none', async () => {
    expect(await wordsAfterAll(audio, model({ finished: false }), () => true)).toBeNull();
    expect(await wordsAfterAll(audio, model({ retry: [] }), () => true)).toBeNull();
  });

  it('stops with ScoringAbandoned when the final is no longer wanted', async () => {
    await expect(wordsAfterAll(audio, model({ aborted: true }), () => true)).rejects.toBeInstanceOf(ScoringAbandoned);
    await expect(wordsAfterAll(audio, model(), () => false)).rejects.toBeInstanceOf(ScoringAbandoned);
  });
});
