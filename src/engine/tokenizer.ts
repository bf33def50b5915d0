import llamaTokenizer from 'llama-tokenizer-js';
import type { BiasTokenizer } from './biasing';
import { EOS_TOKEN, START_TOKEN } from './moonshine';

/**
 * Moonshine uses the Llama SentencePiece vocabulary. Special and out-of-range
 * ids are dropped rather than decoded: the vocabulary lookup would throw on an
 * id it does not know.
 */
export function detokenize(tokens: readonly number[]): string {
  const vocabSize = llamaTokenizer.vocabById.length;
  const ids = tokens.filter((t) => t !== START_TOKEN && t !== EOS_TOKEN && t > 2 && t < vocabSize);
  if (ids.length === 0) return '';
  // add_bos_token=false: no BOS in `ids`; add_preceding_space=true strips SentencePiece's leading "▁".
  return llamaTokenizer.decode(ids, false, true);
}

/** Moonshine's vocabulary for building a term trie (`biasing.ts`); no BOS, "▁" before a new word. */
export const biasTokenizer: BiasTokenizer = {
  encode: (text, newWord) => llamaTokenizer.encode(text, false, newWord),
  pieces: llamaTokenizer.vocabById,
};
