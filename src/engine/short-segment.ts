import { SAMPLE_RATE } from '../shared/types';
import { type BiasTokenizer, DEFAULT_BIAS, TermBiasing, type TermGroup } from './biasing';
import { CommandRescue } from './command-rescue';
import { COMMAND_PHRASES, MARK_PHRASES } from './commands';

/**
 * Short segments: a command said on its own ("scratch that", "comma").
 *
 * Moonshine tiny mishears such a segment far more often than the same words
 * inside a sentence ("comma" → "Coming.", "scratch that" → "Crash, ah."):
 * alone, there is no context to tell the words apart. Padding the segment
 * with silence does not help (measured with scripts/measure-short-utterances.ts
 * on our espeak-ng development voices: 31% of commands heard as cut, 29–34%
 * padded to 1–2 s with zeros or a noise floor, and more empty outputs the
 * longer the pad). What does help is the vocabulary bias (biasing.ts) with
 * the command phrases as terms, on short segments only. When it was chosen
 * (whole clips decoded, the phrase's words looked for in the text): 31% → 71%
 * of 150 commands said alone at the default bonus (4), with no command heard
 * in 150 short prose clips; bonus 5 heard 78%, 6 heard 85%, but those start
 * to turn prose into commands ("see you then" → "Scratch that.", "common" →
 * "Comma."). Measured since as the app decodes a segment (the span anchored
 * to the speech) and counted by what the parser makes of it, at bonus 4:
 * 29% → 78% on those voices with no command in the prose; on flite's and
 * festival's voices (README, voice commands) 45% → 81%, with 2 of 250 prose
 * clips taken for a command ("the period" heard as "Period."). A final that is
 * still no command then gets a second look (command-rescue.ts).
 *
 * Inside sentences the marks need help too, at a smaller bonus: measured with
 * scripts/measure-inline-commands.ts (90 sentences with 150 spoken marks, our
 * own, in voices and speeds the tests do not use), the model wrote 76 of the
 * marks as words with no bias, 111 at bonus 2, 130 at 3, 136 at 4. Prose with
 * no command word (1260 words) kept the same WER and gave no mark at any of
 * those; prose with near-homophones at a segment's start ("Karma…",
 * "Colin…") turned into a mark in 5, 9, 13, 20 clips of 100 (bonus 0, 2, 3, 4;
 * most of them "dash" said as a verb, converted at any bonus).
 *
 * Pure; no DOM.
 */

/** Commands said alone measured 0.6–1.9 s as the segmenter cut them then (256 ms before, 128 ms after; 16 ms more now). */
export const SHORT_SEGMENT_SAMPLES = 2 * SAMPLE_RATE;

/** The bonus of the inline marks in segments longer than short ones (see above). */
export const INLINE_MARK_BONUS = 3;

/** The decoder's term bias for one decode, chosen by the audio's length. */
export class DecodeBiasing {
  private constructor(
    /** The person's listed terms, and the inline marks while commands are on, for every decode; null for none. */
    private readonly general: TermBiasing | null,
    /** The listed terms and every command phrase, for short segments. */
    private readonly short: TermBiasing | null,
    /** While commands are on: a second look at a short segment's final that is no command (command-rescue.ts). */
    private readonly rescue: CommandRescue | null,
  ) {}

  /** `commands`: whether voice commands are on (off, nothing leans towards their words). */
  static build(terms: readonly string[], commands: boolean, tokenizer: BiasTokenizer): DecodeBiasing {
    const listed: TermGroup[] = terms.length > 0 ? [{ terms, ...DEFAULT_BIAS }] : [];
    const marks: TermGroup[] = commands ? [{ terms: MARK_PHRASES, bonus: INLINE_MARK_BONUS }] : [];
    const generalGroups = [...listed, ...marks];
    const general = generalGroups.length > 0 ? TermBiasing.buildGroups(generalGroups, tokenizer) : null;
    const short = commands ? TermBiasing.build([...terms, ...COMMAND_PHRASES], tokenizer) : general;
    return new DecodeBiasing(general, short, commands ? CommandRescue.build(tokenizer) : null);
  }

  /** The bias for decoding `samples` of 16 kHz audio. */
  forSamples(samples: number): TermBiasing | null {
    return samples <= SHORT_SEGMENT_SAMPLES ? this.short : this.general;
  }

  /** The command rescue for a final of `samples` of 16 kHz audio: short segments, commands on; else null. */
  rescueFor(samples: number): CommandRescue | null {
    return samples <= SHORT_SEGMENT_SAMPLES ? this.rescue : null;
  }
}
