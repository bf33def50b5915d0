import { SAMPLE_RATE } from '../shared/types';
import { frameRmsLevels } from './levels';
import { appendSegment, cleanSegmentText } from './transcript';
import { normalizeForWer } from './wer';

/**
 * A guard on final decodes, so a final never silently drops a phrase its
 * partial already showed.
 *
 * Why it is needed: Moonshine tiny's greedy decode can emit EOS as its very
 * first token. Measured on espeak-ng speech ("See you on Sunday", a pause,
 * "question mark"), the final of the "See you on Sunday" segment came back
 * empty while the partial on a shorter range of the same audio had shown the
 * words; moving either end of the range by 64 ms flipped the output between
 * the whole phrase and nothing. A decode of a segment that holds two phrases
 * can likewise stop at the pause inside it. So: notice the loss
 * (`droppedPartialWords`), then decode again a slightly different range
 * (`fitEdgeSilence`) or the two sides of the segment's clearest pause
 * (`chooseSplit`), and keep the best (`guardFinal`).
 *
 * Pure: no DOM, no worker globals; the decoder is passed in.
 */

/** Two spellings of one word count as the same word: a revision, not a loss. */
export function similarWords(a: string, b: string): boolean {
  if (a === b) return true;
  // A partial decoded on audio that ends mid-word often holds a truncated word ("sun" → "sunday").
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 2 && long.startsWith(short)) return true;
  // Small respellings ("monday"/"sunday", "colour"/"color") are revisions too.
  return editDistance(a, b) * 3 <= long.length;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(substitution, (previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/**
 * `shown` words aligned in order with `final` words (similar words match, as
 * many as possible): how many matched, and how many `shown` words the final
 * left out. A partial covers the start of the audio its final covers, so:
 *  - before the first matched word, every partial word counts as left out
 *    (the final lost the phrase it began with, as when it kept only the
 *    phrase after a pause), and so does every word when none matched;
 *  - between two matched words, and after the last, only the partial's words
 *    beyond the final's count: the others were said differently (a revision,
 *    such as the last words of a partial misheard on its shorter audio).
 */
function alignInOrder(shown: readonly string[], final: readonly string[]): { matched: number; leftOut: number } {
  // best[i][j]: the most matches between shown[i..] and final[j..].
  const best = Array.from({ length: shown.length + 1 }, () => new Array<number>(final.length + 1).fill(0));
  const at = (i: number, j: number) => best[i]?.[j] ?? 0;
  const similar = (i: number, j: number) => similarWords(shown[i] ?? '', final[j] ?? '');
  for (let i = shown.length - 1; i >= 0; i--) {
    const row = best[i] as number[];
    for (let j = final.length - 1; j >= 0; j--) {
      row[j] = similar(i, j) ? 1 + at(i + 1, j + 1) : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  if (at(0, 0) === 0) return { matched: 0, leftOut: shown.length };
  let leftOut = 0;
  let anchored = false;
  let unmatchedShown = 0;
  let unmatchedFinal = 0;
  let i = 0;
  let j = 0;
  while (i < shown.length && j < final.length) {
    if (similar(i, j)) {
      // Taking a similar pair never lowers the number of matches.
      leftOut += anchored ? Math.max(0, unmatchedShown - unmatchedFinal) : unmatchedShown;
      anchored = true;
      unmatchedShown = 0;
      unmatchedFinal = 0;
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      unmatchedShown++;
      i++;
    } else {
      unmatchedFinal++;
      j++;
    }
  }
  leftOut += Math.max(0, unmatchedShown + shown.length - i - (unmatchedFinal + final.length - j));
  return { matched: at(0, 0), leftOut };
}

export interface DropReport {
  /** True when the final left out more of the partial's words than a revision would. */
  dropped: boolean;
  /** Words of the partial (normalised: lowercase, no punctuation). */
  shownWords: number;
  /** Partial words with no counterpart, in order, in the final. */
  missingWords: number;
  /** Of those, the ones that make a phrase left out: before the first match, or with nothing in their place (see `alignInOrder`). */
  leftOutWords: number;
}

/**
 * How many of the partial's words a final may leave out and still count as a
 * revision: none for a partial of up to three words, one for four to seven,
 * two from eight. A dropped phrase loses a run of words, which goes beyond it.
 */
export function revisionAllowance(shownWords: number): number {
  return Math.min(2, Math.floor(shownWords / 4));
}

/**
 * Did `finalText` drop what `partialText` showed? Both are compared as word
 * sequences (case, punctuation and hyphenation ignored, see `normalizeForWer`);
 * a partial word counts as kept when a similar word (`similarWords`) appears
 * in the final in the same order. What counts as dropped is a phrase left out
 * (see `alignInOrder`): the partial's first words, or words with nothing in
 * their place. A partial decoded on the shorter audio of a sentence still
 * being spoken often mishears its last words; a final that begins as the
 * partial did and says those words differently, and goes on, did not stop at
 * a pause, and the guard's re-decodes would only risk its words. A final that
 * contains the partial's words, in order, never counts as a drop.
 *
 * Measured on 371 finals (53 development clips, each after a partial of its
 * first 30–90%; scripts/measure-final-guard.ts): counting every partial word
 * missing from the final fired the guard 89 times and changed 5 finals, 2 of
 * them for the worse (a good final replaced by its re-decode in pieces, or
 * with its edges moved); counting only phrases left out fired it 23 times and
 * changed 3, all for the better. WER 17.42% against 17.27%.
 */
export function droppedPartialWords(partialText: string, finalText: string): DropReport {
  const shown = normalizeForWer(partialText);
  const final = normalizeForWer(finalText);
  const { matched, leftOut } = alignInOrder(shown, final);
  return {
    dropped: leftOut > revisionAllowance(shown.length),
    shownWords: shown.length,
    missingWords: shown.length - matched,
    leftOutWords: leftOut,
  };
}

export interface SplitOptions {
  sampleRate: number;
  /** Analysis frame for the level, in samples (10 ms at 16 kHz). */
  frameSamples: number;
  /** A frame this far below the loudest frame of the segment is quiet (see `quietLevel` for noisy rooms). */
  quietBelowLoudestDb: number;
  /** A pause shorter than this is the gap inside or between words, not between phrases. */
  minPauseMs: number;
  /** Each piece keeps at least this much audio: less is not a phrase worth decoding alone. */
  minPieceMs: number;
}

export const DEFAULT_SPLIT_OPTIONS: SplitOptions = {
  sampleRate: SAMPLE_RATE,
  frameSamples: 160,
  // The segmenter uses the same margin to find pauses for its length split.
  quietBelowLoudestDb: 30,
  // Stops inside words ("t", "k", "p") stay under ~100 ms of near-silence.
  minPauseMs: 120,
  minPieceMs: 300,
};

/**
 * Where to cut a segment for a piecewise re-decode: the middle of its longest
 * quiet run (frames `quietBelowLoudestDb` below the loudest) that starts and
 * ends inside the segment, lasts at least `minPauseMs` and leaves `minPieceMs`
 * on each side. The silence at the segment's edges (pre-roll, post-pad) does
 * not count: it touches the edge. Null when the segment has no such pause.
 */
export function chooseSplit(audio: Float32Array, options: Partial<SplitOptions> = {}): number | null {
  const o = { ...DEFAULT_SPLIT_OPTIONS, ...options };
  const { levels, quiet } = frameLevels(audio, o);
  const frames = levels.length;
  if (frames < 3 || quiet === 0) return null;
  const minPauseFrames = Math.ceil((o.minPauseMs * o.sampleRate) / 1000 / o.frameSamples);
  const minPiece = Math.round((o.minPieceMs * o.sampleRate) / 1000);

  let best: number | null = null;
  let bestLength = 0;
  let runStart = -1;
  for (let f = 0; f <= frames; f++) {
    const isQuiet = f < frames && (levels[f] as number) <= quiet;
    if (isQuiet && runStart < 0) runStart = f;
    if (isQuiet || runStart < 0) continue;
    const length = f - runStart;
    const touchesEdge = runStart === 0 || f === frames;
    const cut = Math.round(((runStart + f) / 2) * o.frameSamples);
    if (!touchesEdge && length >= minPauseFrames && length > bestLength) {
      if (cut >= minPiece && audio.length - cut >= minPiece) {
        best = cut;
        bestLength = length;
      }
    }
    runStart = -1;
  }
  return best;
}

/** RMS level per frame, and the level under which a frame counts as quiet (0 for all-silent audio). */
function frameLevels(audio: Float32Array, o: SplitOptions): { levels: Float32Array; quiet: number } {
  const levels = frameRmsLevels(audio, o.frameSamples);
  const loudest = levels.reduce((max, level) => Math.max(max, level), 0);
  return { levels, quiet: loudest === 0 ? 0 : quietLevel(levels, loudest, o.quietBelowLoudestDb) };
}

/**
 * The span from the first to the last frame that is not quiet, widened by
 * `marginMs` on each side and kept inside the audio: the segment without the
 * silence the VAD's hangover and pre-roll left around it. Null when no frame
 * stands out.
 */
export function speechBounds(
  audio: Float32Array,
  marginMs: number,
  options: Partial<SplitOptions> = {},
): { start: number; end: number } | null {
  const o = { ...DEFAULT_SPLIT_OPTIONS, ...options };
  const { levels, quiet } = frameLevels(audio, o);
  if (quiet === 0) return null;
  let first = -1;
  let last = -1;
  for (let f = 0; f < levels.length; f++) {
    if ((levels[f] as number) <= quiet) continue;
    if (first < 0) first = f;
    last = f;
  }
  if (first < 0) return null;
  const margin = Math.round((marginMs * o.sampleRate) / 1000);
  return {
    start: Math.max(0, first * o.frameSamples - margin),
    end: Math.min(audio.length, (last + 1) * o.frameSamples + margin),
  };
}

/**
 * The level under which a frame counts as a pause. In a quiet room, 30 dB
 * under the loudest frame; in a noisy one that is below the noise itself, so
 * then 6 dB over the noise floor (the 10th percentile frame: the segment's
 * own pre-roll and post-pad are silence), but never closer than 10 dB to the
 * loudest frame.
 */
function quietLevel(levels: Float32Array, loudest: number, belowLoudestDb: number): number {
  const sorted = Float32Array.from(levels).sort();
  const floor = sorted[Math.floor(sorted.length / 10)] ?? 0;
  const db = (x: number) => 10 ** (x / 20);
  return Math.min(loudest * db(-10), Math.max(loudest * db(-belowLoudestDb), floor * db(6)));
}

export interface EdgeSilence {
  leadMs: number;
  trailMs: number;
}

/**
 * Silence to leave around the speech of a range before decoding it. Measured
 * on 80 espeak-ng command words (0.25–1.3 s; 4 voices, 2 speeds) decoded alone
 * with digital silence around them, words exactly right / outputs empty:
 * none 32/80 / 10; 100 ms + 100 ms 48/80 / 2; 250 + 250 37/80 / 0;
 * 500 + 500 40/80 / 22; no trailing silence with 250–500 ms before it, 25–31/80
 * with 15–26 empty. Too little silence after the word and too much on either
 * side both make Moonshine tiny stop at once.
 */
export const DEFAULT_EDGE_SILENCE: EdgeSilence = { leadMs: 100, trailMs: 100 };

/**
 * The range with exactly `leadMs` of silence before its speech and `trailMs`
 * after it: edge silence beyond that is cut (the VAD's pre-roll and hangover
 * leave 0.3–0.5 s), and digital silence is added where the speech comes closer
 * to an edge. Audio without speech (no frame stands out) comes back unchanged.
 */
export function fitEdgeSilence(
  audio: Float32Array,
  silence: EdgeSilence = DEFAULT_EDGE_SILENCE,
  options: Partial<SplitOptions> = {},
): Float32Array {
  const sampleRate = options.sampleRate ?? DEFAULT_SPLIT_OPTIONS.sampleRate;
  const speech = speechBounds(audio, 0, options);
  if (!speech) return audio;
  const lead = Math.round((silence.leadMs * sampleRate) / 1000);
  const trail = Math.round((silence.trailMs * sampleRate) / 1000);
  const from = Math.max(0, speech.start - lead);
  const to = Math.min(audio.length, speech.end + trail);
  const padBefore = lead - (speech.start - from);
  const padAfter = trail - (to - speech.end);
  if (padBefore === 0 && padAfter === 0) return audio.subarray(from, to);
  const out = new Float32Array(padBefore + (to - from) + padAfter);
  out.set(audio.subarray(from, to), padBefore);
  return out;
}

export interface GuardInput {
  /** The newest non-empty partial shown for this segment ('' when none was shown). */
  partialText: string;
  /** What the decode of the whole range returned. */
  finalText: string;
  /** The segment's audio, 16 kHz mono. */
  audio: Float32Array;
  /** Decodes a piece of the segment (the caller's Moonshine call, padding included). */
  decode: (piece: Float32Array) => Promise<string>;
  split?: Partial<SplitOptions>;
}

/** Where a guarded final's text came from. */
export type FinalSource = 'whole' | 'fitted' | 'shifted' | 'pieces' | 'partial';

export interface GuardResult {
  text: string;
  source: FinalSource;
  /** For 'pieces': the sample the segment was cut at. */
  splitAt: number | null;
  /** What the check found for the whole-range text. */
  check: DropReport;
  /** Extra decodes the guard ran (0 when the whole-range text stood). */
  decodes: number;
}

/**
 * Edge silences for the retries. Moonshine tiny's first step is unstable on
 * some ranges: measured on espeak-ng speech, moving either end of a range by
 * 64 ms flipped its output between the whole phrase and nothing (EOS at
 * once), so a decode of a slightly different range is a fresh draw; these are
 * the two best settings measured (see `DEFAULT_EDGE_SILENCE`).
 */
const RETRY_EDGES: readonly EdgeSilence[] = [DEFAULT_EDGE_SILENCE, { leadMs: 100, trailMs: 250 }];
/** Silence put before the whole range for the last whole-range retry, again to change the range. */
const RETRY_SHIFT_MS = 100;

/**
 * The text a final should carry. When the whole-range `finalText` dropped
 * what the partial showed (`droppedPartialWords`), the segment is decoded
 * again: with its edge silence fitted (`fitEdgeSilence`, two settings),
 * shifted by a little leading silence, and in two pieces cut at its clearest
 * internal pause (`chooseSplit`; tried first when `finalText` kept some
 * words). The first attempt that loses nothing wins; otherwise the
 * attempt losing fewest words of the partial and of `finalText` together, as
 * long as it loses fewer than `finalText` did. If every attempt came back
 * without a word, the partial's text is what the person saw and is kept, rather
 * than nothing. A false alarm costs only the extra decodes.
 */
export async function guardFinal(input: GuardInput): Promise<GuardResult> {
  const check = droppedPartialWords(input.partialText, input.finalText);
  const whole: GuardResult = { text: input.finalText, source: 'whole', splitAt: null, check, decodes: 0 };
  if (!check.dropped) return whole;

  const sampleRate = input.split?.sampleRate ?? DEFAULT_SPLIT_OPTIONS.sampleRate;
  const attempts: { source: FinalSource; splitAt: number | null; run: () => Promise<string> }[] = [];
  for (const edges of RETRY_EDGES) {
    const fitted = fitEdgeSilence(input.audio, edges, input.split);
    if (fitted !== input.audio) attempts.push({ source: 'fitted', splitAt: null, run: () => input.decode(fitted) });
  }
  attempts.push({
    source: 'shifted',
    splitAt: null,
    run: () => {
      const lead = Math.round((RETRY_SHIFT_MS * sampleRate) / 1000);
      const shifted = new Float32Array(lead + input.audio.length);
      shifted.set(input.audio, lead);
      return input.decode(shifted);
    },
  });
  const at = chooseSplit(input.audio, input.split);
  if (at !== null) {
    // A final that kept some words but lost others most likely stopped at the
    // pause inside the segment: try the pieces first. An empty one is more
    // likely the unstable first step, which a slightly different range fixes.
    const piecesFirst = normalizeForWer(input.finalText).length > 0;
    attempts[piecesFirst ? 'unshift' : 'push']({
      source: 'pieces',
      splitAt: at,
      run: async () => {
        const first = cleanSegmentText(await input.decode(input.audio.subarray(0, at)));
        return appendSegment(first, cleanSegmentText(await input.decode(input.audio.subarray(at))));
      },
    });
  }

  let best = whole;
  // Words lost, of the partial and of the whole-range text together: an
  // attempt must not trade one loss for another.
  let bestLost = check.missingWords;
  let decodes = 0;
  for (const attempt of attempts) {
    const text = await attempt.run();
    decodes += attempt.source === 'pieces' ? 2 : 1;
    const lost =
      droppedPartialWords(input.partialText, text).missingWords +
      droppedPartialWords(input.finalText, text).missingWords;
    if (lost < bestLost) {
      best = { text, source: attempt.source, splitAt: attempt.splitAt, check, decodes };
      bestLost = lost;
    }
    if (lost === 0) break;
  }
  if (normalizeForWer(best.text).length === 0) {
    return { text: cleanSegmentText(input.partialText), source: 'partial', splitAt: null, check, decodes };
  }
  return { ...best, decodes };
}
