import llamaTokenizer from 'llama-tokenizer-js';
import { describe, expect, it } from 'vitest';
import { argmax, EOS_TOKEN, MIN_TOKEN_BUDGET, START_TOKEN, tokenBudget } from '../../src/engine/moonshine';
import { detokenize } from '../../src/engine/tokenizer';

/** What Moonshine tiny produced for "Go forward ten meters." on a human recording. */
const GO_FORWARD = [2921, 6375, 3006, 27881, 29889];

describe('tokenBudget', () => {
  it('allows ~6 tokens per second of audio', () => {
    expect(tokenBudget(2 * 16000)).toBe(12);
    expect(tokenBudget(10 * 16000)).toBe(60);
    expect(tokenBudget(20 * 16000)).toBe(120);
    // Rounded up, so a fraction of a token's worth of audio still gets one.
    expect(tokenBudget(10 * 16000 + 1)).toBe(61);
  });

  it('never drops below the floor for short clips', () => {
    expect(MIN_TOKEN_BUDGET).toBe(8);
    expect(tokenBudget(0)).toBe(MIN_TOKEN_BUDGET);
    expect(tokenBudget(1600)).toBe(MIN_TOKEN_BUDGET);
    expect(tokenBudget(16000)).toBe(MIN_TOKEN_BUDGET); // 6 < 8
    // The first length where proportional exceeds the floor: 9 tokens needs > 1.333 s.
    expect(tokenBudget(Math.floor((16000 * 8) / 6))).toBe(MIN_TOKEN_BUDGET);
    expect(tokenBudget(Math.floor((16000 * 8) / 6) + 1)).toBe(9);
  });

  it('grows monotonically with length', () => {
    let previous = 0;
    for (let samples = 0; samples <= 30 * 16000; samples += 777) {
      const budget = tokenBudget(samples);
      expect(budget).toBeGreaterThanOrEqual(previous);
      previous = budget;
    }
    expect(previous).toBe(180);
  });
});

describe('argmax', () => {
  it('picks the largest logit of a row', () => {
    expect(argmax(Float32Array.of(1, 3, 7, 2))).toBe(2);
    expect(argmax(Float32Array.of(7, 3, 1, 6.5))).toBe(0);
  });

  it('works on all-negative logits', () => {
    expect(argmax(Float32Array.of(-5, -1, -3))).toBe(1);
  });

  it('returns the first index on ties (deterministic greedy decoding)', () => {
    expect(argmax(Float32Array.of(4, 9, 9, 1))).toBe(1);
  });

  it('reads only the row it is given: a view into a batched run', () => {
    const vocab = 32768;
    const logits = new Float32Array(3 * vocab).fill(-1);
    logits[17] = 10; // row 0
    logits[vocab + 31000] = 3; // row 1
    logits[2 * vocab + 5] = 20; // row 2
    expect(argmax(logits.subarray(vocab, 2 * vocab))).toBe(31000);
  });
});

describe('detokenize', () => {
  it('decodes the ids Moonshine produced for a real recording', () => {
    expect(detokenize(GO_FORWARD)).toBe('Go forward ten meters.');
  });

  it('agrees with the Llama tokenizer: encoding a phrase gives the model ids, and decoding restores the phrase', () => {
    // add_bos_token=false, add_preceding_space=true: the form Moonshine emits (a leading "▁Go").
    expect(llamaTokenizer.encode('Go forward ten meters.', false, true)).toEqual(GO_FORWARD);
    for (const phrase of [
      'Go forward ten meters.',
      "It's 3:45 p.m., isn't it?",
      'A naïve café in Zürich — 東京!',
      'Two  spaces and a tab\there.',
    ]) {
      expect(detokenize(llamaTokenizer.encode(phrase, false, true))).toBe(phrase);
    }
  });

  it('drops start, EOS, unknown and out-of-range ids instead of throwing', () => {
    const vocabSize = llamaTokenizer.vocabById.length;
    expect(vocabSize).toBe(32000);
    expect(detokenize([START_TOKEN, ...GO_FORWARD, EOS_TOKEN])).toBe('Go forward ten meters.');
    expect(detokenize([0, 2921, vocabSize, 6375, 99_999, 3006, -1, 27881, 29889])).toBe('Go forward ten meters.');
    // Moonshine's vocabulary is padded past Llama's: ids the lookup cannot decode.
    expect(detokenize([32_767, ...GO_FORWARD])).toBe('Go forward ten meters.');
  });

  it('returns an empty string when nothing decodable is left', () => {
    expect(detokenize([])).toBe('');
    expect(detokenize([START_TOKEN, EOS_TOKEN])).toBe('');
    expect(detokenize([0, 40_000])).toBe('');
  });
});
