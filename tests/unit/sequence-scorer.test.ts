import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BATCH_NOISE,
  batchScorer,
  logNormaliser,
  logProbability,
  MAX_SCORED_POSITIONS,
  ScoringAbandoned,
} from '../../src/engine/sequence-scorer';

const END = 2;
const VOCAB = 8;

/** Logits that depend only on the tokens before each position, as a causal decoder's do. */
function rowAfter(prefix: readonly number[]): Float32Array {
  const row = new Float32Array(VOCAB);
  for (let t = 0; t < VOCAB; t++) row[t] = Math.sin(7 * t + 3 * prefix.length + prefix.reduce((a, b) => a * 5 + b, 1));
  return row;
}

/** A stand-in decoder: one row per position, counting runs and the positions each feeds (padded to the longest). */
function fakeDecoder() {
  const runs: number[] = [];
  const runLogits = async (sequences: readonly (readonly number[])[]) => {
    const width = 1 + Math.max(...sequences.map((s) => s.length));
    runs.push(width * sequences.length);
    return sequences.map((s) => Array.from({ length: s.length + 1 }, (_, at) => rowAfter(s.slice(0, at))));
  };
  return { runs, runLogits };
}

/** The score worked out one position at a time. */
function expected(sequence: readonly number[]): number {
  return [...sequence, END].reduce((sum, token, at) => sum + logProbability(rowAfter(sequence.slice(0, at)), token), 0);
}

const sequences = fc.array(fc.array(fc.integer({ min: 3, max: VOCAB - 1 }), { maxLength: 6 }), {
  minLength: 1,
  maxLength: 30,
});

describe('log-probabilities', () => {
  it('are a softmax: they sum to one, and a flat row gives each token 1/n', () => {
    const row = Float32Array.of(1, 2, 3, 40);
    const total = [0, 1, 2, 3].reduce((sum, t) => sum + Math.exp(logProbability(row, t)), 0);
    expect(total).toBeCloseTo(1, 6);
    expect(logProbability(new Float32Array(5), 2)).toBeCloseTo(-Math.log(5), 6);
    expect(logNormaliser(Float32Array.of(1000, 1000))).toBeCloseTo(1000 + Math.log(2), 6);
  });
});

describe('batchScorer', () => {
  it('sums each sequence’s log-probabilities and its end, whatever it is batched with', async () => {
    await fc.assert(
      fc.asyncProperty(sequences, async (list) => {
        const { runs, runLogits } = fakeDecoder();
        const scores = await batchScorer(runLogits, END).score(list);
        for (const [i, s] of list.entries()) expect(scores[i]).toBeCloseTo(expected(s), 5);
        // No run feeds more than the cap (each sequence here fits it alone).
        for (const positions of runs) expect(positions).toBeLessThanOrEqual(MAX_SCORED_POSITIONS);
      }),
      { numRuns: 60 },
    );
  });

  it('skips only sequences whose first token is below the floor by more than the batch noise', async () => {
    await fc.assert(
      fc.asyncProperty(sequences, fc.double({ min: -6, max: 0, noNaN: true }), async (list, floor) => {
        const { runLogits } = fakeDecoder();
        const scores = await batchScorer(runLogits, END).score(list, floor);
        list.forEach((s, i) => {
          const firstBound = logProbability(rowAfter([]), s[0] ?? END);
          if (firstBound < floor - BATCH_NOISE) expect(scores[i]).toBe(Number.NEGATIVE_INFINITY);
          else expect(scores[i]).toBeCloseTo(expected(s), 5);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('asks before every run, and stops with ScoringAbandoned when told', async () => {
    const { runs, runLogits } = fakeDecoder();
    let asks = 0;
    const scorer = batchScorer(runLogits, END, () => ++asks <= 1);
    const long = Array.from({ length: 20 }, (_, i) => [3 + (i % 5), 4, 5]);
    await expect(scorer.score(long)).rejects.toBeInstanceOf(ScoringAbandoned);
    expect(runs.length).toBe(1);
  });
});
