import type { CommandRescue } from './command-rescue';
import { wordsAfterAll } from './ended-at-once';
import type { DecodeResult, MoonshineModel } from './moonshine';
import { SHORT_SEGMENT_SAMPLES } from './short-segment';
import { detokenize } from './tokenizer';

/**
 * A short final's second look, before it is committed: words for one the
 * model ended at once (ended-at-once.ts), and, while voice commands are on,
 * a command for one that is no command (command-rescue.ts). Dictation
 * (RingTranscriber) and files (the speech worker) both ask for it, and the
 * measuring script and the commands test through the same function.
 *
 * Pure logic over the model passed in; no DOM.
 */
export interface SecondLook {
  /** The audio decoded (the span anchored to the speech). */
  audio: Float32Array;
  /** Its decode, with the encoding kept (`keepEncoding`). */
  result: DecodeResult;
  /** The command rescue while commands are on; null or undefined when off. */
  rescue: CommandRescue | null | undefined;
  model: Pick<MoonshineModel, 'decode' | 'scorer'>;
  /** Asked before each model run; false stops with `ScoringAbandoned`. */
  shouldContinue: () => boolean;
}

/** Whether a final of this many samples gets a second look: its decode must then keep its encoding. */
export function hasSecondLook(samples: number): boolean {
  return samples <= SHORT_SEGMENT_SAMPLES;
}

/** The final's text after the second look: the decode's own text when neither applies. */
export async function secondLook({ audio, result, rescue, model, shouldContinue }: SecondLook): Promise<string> {
  const text = detokenize(result.tokens);
  // Only a short decode that ended by itself: a budget run out says nothing about the end.
  if (!hasSecondLook(audio.length) || !result.finished || !result.encoding) return text;
  const scorer = model.scorer(result.encoding, shouldContinue);
  if (result.tokens.length === 0) {
    const words = await wordsAfterAll(audio, scorer, model, shouldContinue);
    if (!words?.encoding) return text;
    const wordsText = detokenize(words.tokens);
    // A command said alone can come back as words too ("comma" → "Tunnel.").
    const command = rescue?.rescue(wordsText, words.tokens, model.scorer(words.encoding, shouldContinue));
    return (await command) ?? wordsText;
  }
  return (await rescue?.rescue(text, result.tokens, scorer)) ?? text;
}
