import llamaTokenizer from 'llama-tokenizer-js';
import type { InferenceSession } from 'onnxruntime-web';
import { Tensor } from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { TermBiasing, termSpellings } from '../../src/engine/biasing';
import { EOS_TOKEN, MoonshineModel, START_TOKEN } from '../../src/engine/moonshine';
import { biasTokenizer } from '../../src/engine/tokenizer';

const VOCAB = llamaTokenizer.vocabById.length;
const id = (piece: string) => {
  const found = llamaTokenizer.vocabById.indexOf(piece);
  if (found < 0) throw new Error(`no piece ${piece}`);
  return found;
};
const K = id('▁K');
const UBERNETES = id('ubernetes');
const SHE = id('▁She');
const AY = id('ay');

describe('termSpellings', () => {
  it('gives the listed, lowercase and capitalised forms once each', () => {
    expect(termSpellings('Kubernetes')).toEqual(['Kubernetes', 'kubernetes']);
    expect(termSpellings('PyTorch')).toEqual(['PyTorch', 'pytorch', 'Pytorch']);
    expect(termSpellings('jupyter notebook')).toEqual(['jupyter notebook', 'Jupyter notebook', 'Jupyter Notebook']);
  });
});

describe('TermBiasing', () => {
  const biasing = TermBiasing.build(['Kubernetes', 'Jupyter Notebook'], biasTokenizer, { bonus: 2 });

  it('boosts the tokens that start a term, in its casings, as a new word', () => {
    const decoding = biasing.begin();
    const logits = new Float32Array(VOCAB);
    const boosted = decoding.apply(logits, 0);
    const jupyter = biasTokenizer.encode('Jupyter', true)[0] as number;
    expect(boosted.sort((a, b) => a - b)).toEqual(
      [K, id('▁k'), jupyter, biasTokenizer.encode('jupyter', true)[0] as number].sort((a, b) => a - b),
    );
    for (const token of boosted) expect(logits[token]).toBe(2);
    expect(logits[SHE]).toBe(0);
    // Not glued to a word: "K" without "▁" only after an opening quote or bracket.
    expect(boosted).not.toContain(id('K'));
  });

  it('boosts the continuation of a term begun, and lets go when it is left', () => {
    const decoding = biasing.begin();
    decoding.apply(new Float32Array(VOCAB), 0);
    expect(decoding.advance(K, false)).toBe('ok');
    expect(decoding.apply(new Float32Array(VOCAB), 0)).toContain(UBERNETES);
    expect(decoding.advance(AY, false)).toBe('ok'); // the model's own choice: nothing to undo
    expect(decoding.apply(new Float32Array(VOCAB), 0)).not.toContain(UBERNETES);
  });

  it('says "abandoned" when a term the bonus steered into is left unfinished, and not when it is finished', () => {
    const left = biasing.begin();
    expect(left.advance(K, true)).toBe('ok');
    expect(left.steering).toBe(true);
    expect(left.advance(AY, false)).toBe('abandoned');
    expect(left.steering).toBe(false);

    const finished = biasing.begin();
    finished.advance(K, true);
    expect(finished.advance(UBERNETES, false)).toBe('ok');
    expect(finished.steering).toBe(false);
  });

  it('lets a term start glued to an opening quote', () => {
    const decoding = biasing.begin();
    decoding.advance(id('▁"'), false);
    expect(decoding.apply(new Float32Array(VOCAB), 0)).toContain(id('K'));
  });

  it('restores a saved state', () => {
    const decoding = biasing.begin();
    const saved = decoding.save();
    decoding.advance(K, true);
    decoding.restore(saved);
    expect(decoding.steering).toBe(false);
    expect(decoding.apply(new Float32Array(VOCAB), 0)).not.toContain(UBERNETES);
  });
});

/**
 * A stand-in for Moonshine's decoder whose next-token scores depend only on
 * the previous token: enough to drive the real greedy loop, bias and all.
 */
function scriptedModel(next: Record<number, Record<number, number>>): MoonshineModel {
  const encoder = {
    inputNames: ['input_values'],
    outputNames: ['last_hidden_state'],
    run: async () => ({ last_hidden_state: new Tensor('float32', new Float32Array(4), [1, 1, 4]) }),
  };
  const decoder = {
    inputNames: ['input_ids', 'encoder_hidden_states', 'use_cache_branch', 'past_key_values.0.decoder.key'],
    outputNames: ['logits', 'present.0.decoder.key'],
    inputMetadata: [],
    run: async (feeds: Record<string, Tensor>) => {
      const previous = Number((feeds.input_ids as Tensor).data[0]);
      const logits = new Float32Array(VOCAB).fill(-10);
      for (const [token, score] of Object.entries(next[previous] ?? { [EOS_TOKEN]: 0 })) logits[Number(token)] = score;
      return {
        logits: new Tensor('float32', logits, [1, 1, VOCAB]),
        'present.0.decoder.key': new Tensor('float32', new Float32Array(0), [1, 8, 0, 36]),
      };
    },
  };
  return new MoonshineModel(Tensor, encoder as unknown as InferenceSession, decoder as unknown as InferenceSession);
}

describe('decoding with the end barred at the first step (somethingFirst)', () => {
  const audio = new Float32Array(16000);

  it('takes the best word at the first step only, and may end after it', async () => {
    // The model would end at once; barred, it writes its best word, then ends as it likes.
    const model = scriptedModel({
      [START_TOKEN]: { [EOS_TOKEN]: 9, [SHE]: 2, [K]: 1 },
      [SHE]: { [EOS_TOKEN]: 5 },
    });
    expect((await model.decode(audio)).tokens).toEqual([]);
    const forced = await model.decode(audio, { somethingFirst: true });
    expect(forced.tokens).toEqual([SHE]);
    expect(forced.finished).toBe(true);
  });
});

describe('greedy decoding with a term list', () => {
  const audio = new Float32Array(16000);
  const terms = TermBiasing.build(['Kubernetes'], biasTokenizer, { bonus: 3 });

  it('withdraws a term start the bonus chose when the model does not go on with the term', async () => {
    // "▁K" is 1.5 behind "▁She": the bonus makes it win, but after it the model wants "ay", not "ubernetes".
    const model = scriptedModel({
      [START_TOKEN]: { [SHE]: 5, [K]: 3.5 },
      [K]: { [AY]: 4, [UBERNETES]: -10 },
      [SHE]: { [EOS_TOKEN]: 5 },
    });
    expect((await model.decode(audio)).tokens).toEqual([SHE]);
    expect((await model.decode(audio, { biasing: terms })).tokens).toEqual([SHE]);
  });

  it('keeps a term the bonus made the model finish', async () => {
    const model = scriptedModel({
      [START_TOKEN]: { [SHE]: 5, [K]: 3.5 },
      [K]: { [AY]: 4, [UBERNETES]: 2 },
      [SHE]: { [EOS_TOKEN]: 5 },
      [UBERNETES]: { [EOS_TOKEN]: 5 },
    });
    expect((await model.decode(audio)).tokens).toEqual([SHE]);
    expect((await model.decode(audio, { biasing: terms })).tokens).toEqual([K, UBERNETES]);
  });

  it('uses the list set on the model when the decode names none', async () => {
    const model = scriptedModel({
      [START_TOKEN]: { [SHE]: 5, [K]: 3.5 },
      [K]: { [UBERNETES]: 2 },
      [UBERNETES]: { [EOS_TOKEN]: 5 },
      [SHE]: { [EOS_TOKEN]: 5 },
    });
    model.biasing = terms;
    expect((await model.decode(audio)).tokens).toEqual([K, UBERNETES]);
    expect((await model.decode(audio, { biasing: null })).tokens).toEqual([SHE]);
  });

  it('withdraws a steered start when the model would rather stop there', async () => {
    const model = scriptedModel({
      [START_TOKEN]: { [SHE]: 5 },
      [SHE]: { [EOS_TOKEN]: 5, [K]: 3 },
      [K]: { [EOS_TOKEN]: 5 },
    });
    const result = await model.decode(audio, { biasing: terms });
    expect(result).toMatchObject({ tokens: [SHE], finished: true });
  });
});

describe('TermBiasing.buildGroups', () => {
  it('gives each list its own bonus, and the larger one where their terms share a token', () => {
    const grouped = TermBiasing.buildGroups(
      [
        { terms: ['Comcast'], bonus: 4 },
        { terms: ['comma', 'colon'], bonus: 2 },
      ],
      biasTokenizer,
    );
    const logits = new Float32Array(biasTokenizer.pieces.length);
    grouped.begin().apply(logits, 0);
    const tokens = (word: string) => biasTokenizer.encode(word, true);
    expect(logits[tokens('colon')[0] as number]).toBe(2);
    expect(logits[tokens('comma')[0] as number]).toBe(2);
    // "Comma" (a spelling of "comma") and "Comcast" both begin with "▁Com".
    const shared = tokens('Comma')[0] as number;
    expect(tokens('Comcast')[0]).toBe(shared);
    expect(logits[shared]).toBe(4);
  });

  it('lets a term settle a steer only with a bonus of its own at least as large as the one that steered', () => {
    const grouped = TermBiasing.buildGroups(
      [
        { terms: ['Comcast'], bonus: 4 },
        { terms: ['comma'], bonus: 2 },
      ],
      biasTokenizer,
    );
    const [com, ma] = biasTokenizer.encode('Comma', true) as [number, number];
    const cast = biasTokenizer.encode('Comcast', true)[1] as number;
    // "▁Com" won on Comcast's 4; "Comma", worth 2, cannot keep it.
    let decoding = grouped.begin();
    expect(decoding.advance(com, true)).toBe('ok');
    expect(decoding.advance(ma, false)).toBe('abandoned');
    decoding = grouped.begin();
    decoding.advance(com, true);
    expect(decoding.advance(cast, false)).toBe('ok');
    expect(decoding.steering).toBe(false);
    // On its own list, the same steer is settled by "Comma".
    const alone = TermBiasing.buildGroups([{ terms: ['comma'], bonus: 2 }], biasTokenizer).begin();
    alone.advance(com, true);
    expect(alone.advance(ma, false)).toBe('ok');
    expect(alone.steering).toBe(false);
  });
});
