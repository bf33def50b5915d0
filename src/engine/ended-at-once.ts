import type { DecodeResult, MoonshineModel } from './moonshine';
import { ScoringAbandoned, type SequenceScorer } from './sequence-scorer';
import { detokenize } from './tokenizer';
import { cleanSegmentText } from './transcript';

/**
 * A short segment that the model ended at once: its final is empty, and what
 * was said is lost. Moonshine tiny does this to some short things said alone
 * ("no", "okay", "sure"), and to most coughs, breaths and laughs that the
 * voice detector lets through. So when ending at once was not near certain
 * (`END_AT_MOST`), the segment is decoded again with the end barred at the
 * first step, and those words are kept if the model finds them nearly as
 * likely as ending at once (`WORDS_WITHIN`).
 *
 * The thresholds come from a scratch run on our development audio (28
 * synthesised short phrases and 33 real non-speech segments that ended at
 * once): ending at once scored −0.11 to −1.87 on the speech and above −0.05
 * on 26 of the non-speech; the words scored 0.4–7 below it on the speech and
 * mostly 4–12 below on the non-speech. As the app decodes
 * (scripts/measure-short-utterances.ts): of 250 short prose clips said
 * alone, 17 (espeak-ng voices) and 19 (flite, festival) ended at once, and
 * 11 and 9 got words back, 8 and 5 the words said; of 33 real non-speech
 * segments that ended at once, one got a word ("If." for a throat clearing).
 *
 * Pure logic over the model passed in; no DOM.
 */

/** Ending at once must be at most this likely (natural log) for the words to be tried. */
export const END_AT_MOST = -0.3;
/** How much less likely than ending at once the words may be and still be kept. */
export const WORDS_WITHIN = 2;

/**
 * The words the model writes for `audio` when it may not end at once, if
 * they pass the tests above; null to keep the empty final. `ended` scores
 * the first decode's audio. Rejects with `ScoringAbandoned` once
 * `shouldContinue` says stop.
 */
export async function wordsAfterAll(
  audio: Float32Array,
  ended: SequenceScorer,
  model: Pick<MoonshineModel, 'decode' | 'scorer'>,
  shouldContinue: () => boolean,
): Promise<DecodeResult | null> {
  const [end = 0] = await ended.score([[]]);
  if (end > END_AT_MOST) return null;
  // Unbiased: the model's own words, as measured.
  const retry = await model.decode(audio, { shouldContinue, biasing: null, somethingFirst: true, keepEncoding: true });
  if (retry.aborted) throw new ScoringAbandoned();
  if (!retry.finished || !retry.encoding || cleanSegmentText(detokenize(retry.tokens)) === '') return null;
  const [words = Number.NEGATIVE_INFINITY] = await model.scorer(retry.encoding, shouldContinue).score([retry.tokens]);
  return words >= end - WORDS_WITHIN ? retry : null;
}
