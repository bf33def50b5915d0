import { beforeAll, describe, expect, it } from 'vitest';
import type { MoonshineModel } from '../../src/engine/moonshine';
import { BATCH_NOISE, type SequenceScorer } from '../../src/engine/sequence-scorer';
import { biasTokenizer, detokenize } from '../../src/engine/tokenizer';
import { loadMoonshine, readRaw16k } from './vocabulary-sets';

// The real Moonshine tiny models scoring texts for a human recording
// (pocketsphinx's "go forward ten meters"), as the command rescue scores a
// short segment's text against the commands (command-rescue.ts).
const RECORDING = '/usr/share/pocketsphinx/test/data/goforward.raw';

let model: MoonshineModel;
let scorer: SequenceScorer;
let heard: number[];
const tokens = (text: string) => biasTokenizer.encode(text, true);
const OTHERS = ['Go forward ten meter.', 'Go forward two meters.', 'Go for a tan meter.', 'Comma.', 'Scratch that.'];

beforeAll(async () => {
  model = await loadMoonshine();
  const audio = readRaw16k(RECORDING);
  const decoded = await model.decode(audio, { biasing: null, keepEncoding: true });
  heard = decoded.tokens;
  if (!decoded.encoding) throw new Error('the decode kept no encoding');
  scorer = model.scorer(decoded.encoding);
});

describe('MoonshineModel.scorer on the real models', () => {
  it('finds what greedy decoding wrote likelier than near misses, and far likelier than a command', async () => {
    expect(detokenize(heard)).toBe('Go forward ten meters.');
    const [own = 0, ...others] = await scorer.score([heard, ...OTHERS.map(tokens)]);
    expect(own).toBeLessThan(0);
    expect(own).toBeGreaterThan(-3);
    for (const [i, score] of others.entries()) expect(score, OTHERS[i]).toBeLessThan(own);
    // The commands: not within any margin a rescue would use.
    expect(others[3]).toBeLessThan(own - 15);
    expect(others[4]).toBeLessThan(own - 15);
  });

  it('scores a sequence the same alone or in a batch, up to the quantized decoder’s scaling per run (BATCH_NOISE)', async () => {
    const batch = await scorer.score([heard, ...OTHERS.map(tokens)]);
    for (const [i, sequence] of [heard, ...OTHERS.map(tokens)].entries()) {
      const [alone = 0] = await scorer.score([sequence]);
      expect(Math.abs(alone - (batch[i] ?? 0)), String(i)).toBeLessThan(BATCH_NOISE);
    }
  });

  it('skips only what cannot reach the floor, and scores the rest', async () => {
    const sequences = [heard, ...OTHERS.map(tokens)];
    const full = await scorer.score(sequences);
    const floor = (full[0] ?? 0) - 5;
    const floored = await scorer.score(sequences, floor);
    expect(floored[0]).toBeGreaterThan(floor);
    // "Go forward ten meter." shares the first token: it is scored, however low it comes out.
    expect(floored[1]).toBeGreaterThan(Number.NEGATIVE_INFINITY);
    expect(floored[4]).toBe(Number.NEGATIVE_INFINITY);
    expect(floored[5]).toBe(Number.NEGATIVE_INFINITY);
    for (const [i, score] of floored.entries()) {
      if (score === Number.NEGATIVE_INFINITY) expect(full[i], String(i)).toBeLessThan(floor);
      else expect(Math.abs(score - (full[i] ?? 0)), String(i)).toBeLessThan(BATCH_NOISE);
    }
  });

  it('scores the empty text as the end of text at once, less likely than the words for speech', async () => {
    const [own = 0, empty = 0] = await scorer.score([heard, []]);
    expect(Number.isFinite(empty)).toBe(true);
    expect(empty).toBeLessThan(own);
  });

  it('writes something when the end is barred at the first step, and only the first', async () => {
    const silence = new Float32Array(16000);
    const plain = await model.decode(silence, { biasing: null });
    const forced = await model.decode(silence, { biasing: null, somethingFirst: true });
    expect(plain.tokens).toEqual([]);
    expect(forced.tokens.length).toBeGreaterThan(0);
    expect(forced.finished).toBe(true);
    // Speech the model writes anyway is written the same.
    const speech = readRaw16k(RECORDING);
    expect((await model.decode(speech, { biasing: null, somethingFirst: true })).tokens).toEqual(heard);
  });
});
