import type { MoonshineModel } from './moonshine';
import { ScoringAbandoned } from './sequence-scorer';
import { detokenize } from './tokenizer';

/**
 * A short segment that the model ended at once: its final is empty, and what
 * was said is lost. Moonshine tiny does this to some short things said alone
 * ("no", "okay", "sure"), and to most coughs, breaths and laughs that the
 * voice detector lets through. So the segment is decoded again with the end
 * of text barred at the first step, and both readings are scored: the words
 * are kept when the model was not sure nothing was said (the end at once no
 * likelier than `END_AT_MOST`) and finds the words nearly as likely
 * (`WORDS_WITHIN`).
 *
 * Measured with scripts/measure-short-utterances.ts, as the app decodes a
 * final (development audio; the thresholds were read off the same clips, a
 * scratch run of 28 speech and 33 non-speech segments that ended at once):
 * of 250 short prose clips said alone, 17 (espeak-ng voices) and 18 (flite
 * and festival) ended at once; 10 and 8 got words back, 7 and 4 of them the
 * words said ("No.", "Okay.", "Sure."), the others other words ("Four.",
 * "Meet you."), where nothing was written before. Of 34 segments of real
 * coughs, breaths, laughs and the like that the voice detector let through,
 * 33 ended at once and none got words back: the end at once scored above
 * −0.05 for most of them, −0.11 to −1.87 on the speech.
 *
 * Pure logic over the model passed in; no DOM.
 */

/** The most likely (natural log) ending at once may be for the words to be tried. */
export const END_AT_MOST = -0.3;
/** How much less likely than ending at once the words may be and still be kept. */
export const WORDS_WITHIN = 2;

/**
 * The words the model writes for `audio` when it may not end at once, if
 * they pass the test above; null to keep the empty final. Rejects with
 * `ScoringAbandoned` once `shouldContinue` says stop.
 */
export async function wordsAfterAll(
  audio: Float32Array,
  model: Pick<MoonshineModel, 'decode' | 'scorer'>,
  shouldContinue: () => boolean,
): Promise<string | null> {
  // Unbiased: the model's own words, as measured.
  const retry = await model.decode(audio, { shouldContinue, biasing: null, somethingFirst: true, keepEncoding: true });
  if (retry.aborted) throw new ScoringAbandoned();
  if (!retry.finished || !retry.encoding || retry.tokens.length === 0) return null;
  const [end = 0, words = Number.NEGATIVE_INFINITY] = await model
    .scorer(retry.encoding, shouldContinue)
    .score([[], retry.tokens]);
  return end <= END_AT_MOST && words >= end - WORDS_WITHIN ? detokenize(retry.tokens) : null;
}
