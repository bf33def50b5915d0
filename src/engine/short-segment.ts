import { SAMPLE_RATE } from '../shared/types';
import { type BiasTokenizer, TermBiasing } from './biasing';
import { COMMAND_PHRASES } from './commands';

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
 * the command phrases as terms, on short segments only: 31% → 71% of 150
 * commands said alone at the default bonus (4), with no command heard in 150
 * short prose clips. Bonus 5 heard 78%, 6 heard 85%, but those start to turn
 * prose into commands ("see you then" → "Scratch that.", "common" → "Comma.").
 * Inside sentences the words have context and need no help.
 *
 * Pure; no DOM.
 */

/** Commands said alone measured 0.6–1.9 s as the segmenter cut them then (256 ms before, 128 ms after; 16 ms more now). */
export const SHORT_SEGMENT_SAMPLES = 2 * SAMPLE_RATE;

/** The decoder's term bias for one decode, chosen by the audio's length. */
export class DecodeBiasing {
  private constructor(
    /** The person's listed terms, for every decode; null for none. */
    private readonly general: TermBiasing | null,
    /** The listed terms and the command phrases, for short segments. */
    private readonly short: TermBiasing | null,
  ) {}

  /** `commands`: whether voice commands are on (off, nothing leans towards their words). */
  static build(terms: readonly string[], commands: boolean, tokenizer: BiasTokenizer): DecodeBiasing {
    const general = terms.length > 0 ? TermBiasing.build(terms, tokenizer) : null;
    const short = commands ? TermBiasing.build([...terms, ...COMMAND_PHRASES], tokenizer) : general;
    return new DecodeBiasing(general, short);
  }

  /** The bias for decoding `samples` of 16 kHz audio. */
  forSamples(samples: number): TermBiasing | null {
    return samples <= SHORT_SEGMENT_SAMPLES ? this.short : this.general;
  }
}
