/**
 * Word error rate for checking transcription quality against a reference.
 *
 * Pure; no DOM, no Node APIs.
 */

export interface WerResult {
  /** (substitutions + deletions + insertions) / refWords. Can exceed 1. */
  wer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Number of words in the normalised reference. */
  refWords: number;
}

/**
 * A word: letters/digits/combining marks, optionally joined by apostrophes
 * ("don't", "o'clock"), or a number with separators ("3.50", "1,000").
 */
const TOKEN = /\p{N}+(?:[.,]\p{N}+)+|[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}\p{N}]+)*/gu;

/** Curly/modifier apostrophes and backticks that mean the same as '. */
const APOSTROPHES = /[\u2018\u2019\u02BC\u0060\u00B4]/g;

/**
 * Normalise text into words for WER: Unicode NFKC, lowercase, punctuation
 * removed except apostrophes inside a word, hyphens and dashes split words,
 * thousands separators dropped from numbers ("1,000" → "1000"). Numbers are
 * otherwise kept as written (no "ten" ↔ "10" mapping).
 */
export function normalizeForWer(text: string): string[] {
  const lowered = text.normalize('NFKC').toLowerCase().replace(APOSTROPHES, "'");
  const words: string[] = [];
  for (const match of lowered.matchAll(TOKEN)) {
    const token = match[0];
    // Thousands separators: "1,000" → "1000". Decimal points are kept.
    words.push(/^\p{N}/u.test(token) ? token.replace(/(?<=\p{N}),(?=\p{N})/gu, '') : token);
  }
  return words;
}

/**
 * Word error rate of `hypothesis` against `reference`, both normalised with
 * {@link normalizeForWer}, from a minimum-edit-distance word alignment.
 *
 * If the reference has no words, `wer` is 0 when the hypothesis is empty too
 * and 1 otherwise (every hypothesis word is an insertion).
 */
export function wordErrorRate(reference: string, hypothesis: string): WerResult {
  const ref = normalizeForWer(reference);
  const hyp = normalizeForWer(hypothesis);
  const n = ref.length;
  const m = hyp.length;

  // Two-row dynamic programme over (ref prefix, hyp prefix). Each cell carries
  // its edit counts so no backtrace matrix is needed. Ties prefer a diagonal
  // step (match/substitution), then deletion, then insertion.
  let cost = new Uint32Array(m + 1);
  let sub = new Uint32Array(m + 1);
  let del = new Uint32Array(m + 1);
  let ins = new Uint32Array(m + 1);
  let nextCost = new Uint32Array(m + 1);
  let nextSub = new Uint32Array(m + 1);
  let nextDel = new Uint32Array(m + 1);
  let nextIns = new Uint32Array(m + 1);

  for (let j = 0; j <= m; j++) {
    cost[j] = j;
    ins[j] = j;
  }

  for (let i = 1; i <= n; i++) {
    nextCost[0] = i;
    nextSub[0] = 0;
    nextDel[0] = i;
    nextIns[0] = 0;
    const refWord = ref[i - 1];
    for (let j = 1; j <= m; j++) {
      const same = refWord === hyp[j - 1];
      const diag = (cost[j - 1] ?? 0) + (same ? 0 : 1);
      const up = (cost[j] ?? 0) + 1; // deletion of refWord
      const left = (nextCost[j - 1] ?? 0) + 1; // insertion of hyp[j - 1]
      if (diag <= up && diag <= left) {
        nextCost[j] = diag;
        nextSub[j] = (sub[j - 1] ?? 0) + (same ? 0 : 1);
        nextDel[j] = del[j - 1] ?? 0;
        nextIns[j] = ins[j - 1] ?? 0;
      } else if (up <= left) {
        nextCost[j] = up;
        nextSub[j] = sub[j] ?? 0;
        nextDel[j] = (del[j] ?? 0) + 1;
        nextIns[j] = ins[j] ?? 0;
      } else {
        nextCost[j] = left;
        nextSub[j] = nextSub[j - 1] ?? 0;
        nextDel[j] = nextDel[j - 1] ?? 0;
        nextIns[j] = (nextIns[j - 1] ?? 0) + 1;
      }
    }
    [cost, nextCost] = [nextCost, cost];
    [sub, nextSub] = [nextSub, sub];
    [del, nextDel] = [nextDel, del];
    [ins, nextIns] = [nextIns, ins];
  }

  const substitutions = sub[m] ?? 0;
  const deletions = del[m] ?? 0;
  const insertions = ins[m] ?? 0;
  const errors = substitutions + deletions + insertions;
  const wer = n === 0 ? (errors > 0 ? 1 : 0) : errors / n;
  return { wer, substitutions, deletions, insertions, refWords: n };
}

/** How many word edits (substitutions, deletions, insertions) turn the reference into the hypothesis. */
export function wordEdits(reference: string, hypothesis: string): number {
  const r = wordErrorRate(reference, hypothesis);
  return r.substitutions + r.deletions + r.insertions;
}

/**
 * How many of the reference's words the hypothesis contains in order (the
 * longest common subsequence of normalised words). "No words lost" is judged
 * by this count, against the same audio transcribed without a fault.
 */
export function wordsInOrder(reference: string, hypothesis: string): number {
  const ref = normalizeForWer(reference);
  const hyp = normalizeForWer(hypothesis);
  let previous = new Uint32Array(hyp.length + 1);
  let current = new Uint32Array(hyp.length + 1);
  for (const word of ref) {
    for (let j = 1; j <= hyp.length; j++) {
      current[j] =
        hyp[j - 1] === word
          ? (previous[j - 1] as number) + 1
          : Math.max(previous[j] as number, current[j - 1] as number);
    }
    [previous, current] = [current, previous];
  }
  return previous[hyp.length] as number;
}
