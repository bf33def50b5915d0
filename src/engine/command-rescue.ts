import { type BiasTokenizer, capitalise } from './biasing';
import { COMMAND_PHRASES, hasCommandWord, parseUtterance } from './commands';
import type { SequenceScorer } from './sequence-scorer';
import { cleanSegmentText } from './transcript';

/**
 * A command said alone that the decoder still misheard ("period" → "Dear
 * Riot,", "scratch that" → "Crash, ah.") is often one the model finds nearly
 * as likely as what it wrote: greedy decoding, even with the command bias
 * (short-segment.ts), commits to one token at a time, and a command's first
 * token can lose to a word that the rest of the audio fits worse. So a short
 * segment whose text is no command is scored again: the text as decoded, and
 * every command as the model writes it alone. A command within
 * `RESCUE_MARGIN` of the text's own score replaces it.
 *
 * Measured with scripts/measure-short-utterances.ts (our development voices,
 * the app's bias, each clip decoded as the app decodes a segment): commands
 * said alone heard 117 → 128 of 150 on espeak-ng's voices and 122 → 130 of
 * 150 on flite's and festival's, with no short prose said alone taken for a
 * command that was not one already (a margin of 6 turned "the period" into
 * "." on espeak-ng). Text that already has a command's word is left alone:
 * the parser kept it as prose on purpose ("The period."). So is text with no
 * words (a final ended at once has its own second look, ended-at-once.ts):
 * on 34 segments of real coughs, breaths, laughs and the like, none became
 * a command. Two spellings
 * per command heard as many as four did (with the bare and lowercase ones)
 * and took less time (p90 165 → 123 ms on the espeak-ng clips, in Node, in
 * one pair of runs).
 *
 * Pure; no DOM. The scorer and tokenizer are passed in.
 */

/** How much less likely (natural log) than the decoded text a command may be and still replace it. */
export const RESCUE_MARGIN = 5;

interface Candidate {
  /** The command as the app writes it ("Scratch that."), for the parser. */
  text: string;
  /** The ways the model writes it alone, as token ids; the best of them counts. */
  spellings: number[][];
}

export class CommandRescue {
  private constructor(private readonly candidates: readonly Candidate[]) {}

  static build(tokenizer: BiasTokenizer): CommandRescue {
    return new CommandRescue(
      COMMAND_PHRASES.map((phrase) => {
        const capital = capitalise(phrase);
        const spellings = [`${capital}.`, `${capital},`];
        return { text: `${capital}.`, spellings: spellings.map((s) => tokenizer.encode(s, true)) };
      }),
    );
  }

  /**
   * The command to take instead of `text` (the decoder's `tokens`), or null
   * to keep the text. `scorer` scores token sequences for the segment's audio.
   */
  async rescue(text: string, tokens: readonly number[], scorer: SequenceScorer): Promise<string | null> {
    const cleaned = cleanSegmentText(text);
    // Nothing heard (a cough or a breath decodes to nothing) stays nothing.
    if (cleaned === '') return null;
    const parsed = parseUtterance(cleaned);
    if (parsed.kind !== 'text' || parsed.text !== cleaned || hasCommandWord(cleaned)) return null;

    const [own = Number.NEGATIVE_INFINITY] = await scorer.score([tokens]);
    const floor = own - RESCUE_MARGIN;
    const spellings = this.candidates.flatMap((candidate) => candidate.spellings);
    const scores = await scorer.score(spellings, floor);
    let best: { text: string; score: number } | null = null;
    let at = 0;
    for (const candidate of this.candidates) {
      const score = Math.max(...scores.slice(at, at + candidate.spellings.length));
      at += candidate.spellings.length;
      if (score >= floor && (!best || score > best.score)) best = { text: candidate.text, score };
    }
    return best?.text ?? null;
  }
}
