import type { Tensor } from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { END_AT_MOST, WORDS_WITHIN, wordsAfterAll } from '../../src/engine/ended-at-once';
import type { DecodeOptions, MoonshineModel } from '../../src/engine/moonshine';
import { ScoringAbandoned, type SequenceScorer } from '../../src/engine/sequence-scorer';
import { biasTokenizer, detokenize } from '../../src/engine/tokenizer';

const NO = biasTokenizer.encode('No.', true);
const audio = new Float32Array(16000);

/** Scores the empty text `end` and anything else `words`, asking `shouldContinue` first as the real scorer does. */
function scorer(end: number, words: number, shouldContinue = () => true): SequenceScorer {
  return {
    score: async (sequences) => {
      if (!shouldContinue()) throw new ScoringAbandoned();
      return sequences.map((s) => (s.length === 0 ? end : words));
    },
  };
}

/** A stand-in model whose retry writes `retry`; the first decode ended at once, scoring `end`. */
function setUp({ end = -0.8, words = -1.5, retry = NO, finished = true, aborted = false } = {}) {
  const seen: DecodeOptions[] = [];
  const model = {
    decode: async (_audio: Float32Array, options: DecodeOptions = {}) => {
      seen.push(options);
      const encoding = options.keepEncoding ? ({} as Tensor) : undefined;
      return { tokens: retry, finished, aborted, encoderMs: 0, decoderMs: 0, draftSteps: 0, encoding };
    },
    scorer: (_hidden: Tensor, shouldContinue = () => true) => scorer(end, words, shouldContinue),
  } as Pick<MoonshineModel, 'decode' | 'scorer'>;
  const look = (shouldContinue = () => true) =>
    wordsAfterAll(audio, scorer(end, words, shouldContinue), model, shouldContinue);
  return { seen, look };
}

describe('wordsAfterAll', () => {
  it('keeps the words when the model was unsure nothing was said and finds them nearly as likely', async () => {
    const { seen, look } = setUp({ end: END_AT_MOST, words: END_AT_MOST - WORDS_WITHIN });
    const words = await look();
    expect(detokenize(words?.tokens ?? [])).toBe('No.');
    // Decoded again unbiased, the end barred at the first step, its encoding kept for the score.
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ biasing: null, somethingFirst: true, keepEncoding: true });
  });

  it('does not even try when the model was sure nothing was said (a cough: the end at once near certain)', async () => {
    const { seen, look } = setUp({ end: END_AT_MOST + 0.01, words: -0.1 });
    expect(await look()).toBeNull();
    expect(seen).toHaveLength(0);
  });

  it('keeps nothing when the words are far less likely than ending at once', async () => {
    expect(await setUp({ end: -0.8, words: -0.81 - WORDS_WITHIN }).look()).toBeNull();
  });

  it('keeps nothing from a retry that ran out of tokens or wrote no words', async () => {
    expect(await setUp({ finished: false }).look()).toBeNull();
    expect(await setUp({ retry: [] }).look()).toBeNull();
    expect(await setUp({ retry: biasTokenizer.encode('...', true) }).look()).toBeNull();
  });

  it('stops with ScoringAbandoned when the final is no longer wanted', async () => {
    await expect(setUp({ aborted: true }).look()).rejects.toBeInstanceOf(ScoringAbandoned);
    let asks = 0;
    // The first ask (the end at once) passes; the retry's score is stopped.
    await expect(setUp().look(() => ++asks < 2)).rejects.toBeInstanceOf(ScoringAbandoned);
  });
});
