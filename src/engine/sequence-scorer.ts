import { periodicYield } from './yield';

/**
 * How likely the model finds given texts for one audio range, as a short
 * final's second look asks (second-look.ts): teacher forcing, several sequences per
 * decoder run. The decoder is causal, so a shorter sequence padded at its end
 * keeps its own positions' inputs; but the quantized decoder scales its
 * activations once per run (MoonshineModel's class comment), so a sequence's
 * score moves a little with what shares its run: `BATCH_NOISE`.
 *
 * Pure; no DOM. The decoder run is passed in.
 */

/** How far one sequence's score may move with the others in its run (measured up to ~1.3 nats; logits ~1 each). */
export const BATCH_NOISE = 2;

/** Positions one scoring run may feed: about what a drafted decode of 3–4 s feeds at once (128 KB of logits each). */
export const MAX_SCORED_POSITIONS = 24;

export interface SequenceScorer {
  /**
   * The summed log-probabilities (natural) of each token sequence and then
   * the end of text. A sequence whose first token alone scores below `floor`
   * (less `BATCH_NOISE`) is not run and gets -Infinity. Rejects with
   * `ScoringAbandoned` once the caller's `shouldContinue` says stop.
   */
  score(sequences: readonly (readonly number[])[], floor?: number): Promise<number[]>;
}

/** A scoring the caller no longer wanted was stopped between decoder runs. */
export class ScoringAbandoned extends Error {}

/** The decoder's logits after the start token and each token of each sequence, one run for all of them. */
export type LogitRuns = (sequences: readonly (readonly number[])[]) => Promise<Float32Array[][]>;

/** log Σ exp(row): a token's log-probability is `row[token]` minus this. */
export function logNormaliser(row: Float32Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i] as number);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp((row[i] as number) - max);
  return max + Math.log(sum);
}

/** Natural log of the softmax probability of `token` in a row of logits. */
export function logProbability(row: Float32Array, token: number): number {
  return (row[token] as number) - logNormaliser(row);
}

/**
 * A scorer over `runLogits`. `shouldContinue` is asked before every run, and
 * the thread yields between runs, as a decode does.
 */
export function batchScorer(runLogits: LogitRuns, endToken: number, shouldContinue = () => true): SequenceScorer {
  const breathe = periodicYield();
  /** The first token's log-probabilities, the same row for every sequence (up to `BATCH_NOISE`). */
  let first: { row: Float32Array; normaliser: number } | null = null;
  const run = async (sequences: readonly (readonly number[])[]) => {
    await breathe();
    if (!shouldContinue()) throw new ScoringAbandoned();
    const rows = await runLogits(sequences);
    const row = rows[0]?.[0];
    // A copy: the run's whole logits buffer is not kept for one row.
    if (!first && row) first = { row: row.slice(), normaliser: logNormaliser(row) };
    return rows;
  };

  return {
    async score(sequences, floor = Number.NEGATIVE_INFINITY) {
      const scores = sequences.map(() => Number.NEGATIVE_INFINITY);
      let worth = sequences.map((_, i) => i);
      if (floor > Number.NEGATIVE_INFINITY) {
        // A sequence scores at most its first token's log-probability.
        if (!first) await run([[]]);
        const known = first as { row: Float32Array; normaliser: number } | null;
        if (known) {
          worth = worth.filter((i) => {
            const token = sequences[i]?.[0] ?? endToken;
            return (known.row[token] as number) - known.normaliser >= floor - BATCH_NOISE;
          });
        }
      }
      // Shortest first, so a run pads little; each run's logits are summed and dropped before the next.
      worth.sort((a, b) => (sequences[a]?.length ?? 0) - (sequences[b]?.length ?? 0));
      const length = (i: number) => sequences[i]?.length ?? 0;
      for (let at = 0; at < worth.length; ) {
        // Sorted by length, so a run's width is its last sequence's; at least one sequence per run.
        let end = at + 1;
        while (end < worth.length && (end - at + 1) * (1 + length(worth[end] as number)) <= MAX_SCORED_POSITIONS) end++;
        const chunk = worth.slice(at, end);
        const rows = await run(chunk.map((i) => sequences[i] as readonly number[]));
        chunk.forEach((i, b) => {
          const targets = [...(sequences[i] as readonly number[]), endToken];
          scores[i] = targets.reduce(
            (sum, target, at) => sum + logProbability(rows[b]?.[at] as Float32Array, target),
            0,
          );
        });
        at = end;
      }
      return scores;
    },
  };
}
