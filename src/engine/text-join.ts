/**
 * Joining a new piece of dictated text to the text around the insertion point,
 * the way written text joins: spacing around punctuation, quotes and line
 * breaks, and the case of the piece's first word.
 *
 * Moonshine decodes every segment as if it were a whole sentence, so it
 * capitalises the first word ("…young man, Unless to be…"). Here the text
 * before the insertion point decides instead:
 * - at the start, after . ? ! (closing quotes/brackets allowed) or a line
 *   break, the first word gets a capital;
 * - after anything else (no punctuation, , ; : a dash, an ellipsis, an
 *   abbreviation such as "e.g.") a capitalised common word is lowercased,
 *   while "I" (I'm, I'll…) and words that are not common, which are likely
 *   names, keep their capital;
 * - right after an opening quote or bracket the model's case stands.
 *
 * Pure; no DOM.
 */
import { isCommonWord } from './common-words';

export interface Join {
  /** Characters to remove just before the insertion point (spaces before attaching punctuation). */
  deleteBefore: number;
  /** The text to insert there. */
  insert: string;
}

/** A piece starting with one of these attaches to the text before it, without a space. */
const ATTACHES_LEFT = /^[,.!?;:')\]}\u2019\u201D\u00BB\u2026%\u3001\u3002\uFF01\uFF0C\uFF1A\uFF1B\uFF1F\uFF09]/u;

/** Text ending with one of these takes the next piece without a space. */
const OPENERS = /[([{\u201C\u2018\u00AB\u00BF\u00A1]$/u;

/** Closing quotes/brackets that may follow a sentence's final punctuation. */
const TRAILING_CLOSERS = /["')\]}\u2019\u201D\u00BB]+$/u;

/** Sentence-final punctuation (an ellipsis does not count: the thought may go on). */
const SENTENCE_END = /[.!?\u203D\u3002\uFF01\uFF1F]$/u;
const ELLIPSIS = /(?:\.\.|\u2026)$/u;

/** Abbreviations whose full stop does not end a sentence. */
const ABBREVIATION = /(?:^|[^\p{L}])(?:e\.g|i\.e|mr|mrs|ms|dr|vs|cf)\.$/iu;

/** Spaces and tabs, not line breaks. */
const TRAILING_SPACES = /[^\S\r\n]+$/u;

/** How the first word of what comes next should be cased. */
export type CaseRule = 'capital' | 'lower' | 'keep';

/**
 * The case rule for a word written right after `text`. Straight double quotes
 * are told apart by parity: an odd one is still open.
 */
export function caseAfter(text: string): CaseRule {
  let rest = text;
  let afterOpener = false;
  for (;;) {
    const trimmed = rest.replace(TRAILING_SPACES, '');
    if (trimmed === '' || /[\r\n]$/u.test(trimmed)) return 'capital';
    rest = trimmed;
    if (OPENERS.test(rest) || (rest.endsWith('"') && isOpenQuote(rest))) {
      rest = rest.slice(0, -1);
      afterOpener = true;
      continue;
    }
    break;
  }
  if (endsSentence(rest)) return 'capital';
  return afterOpener ? 'keep' : 'lower';
}

/** Does `text` end a sentence (. ! ? possibly followed by closing quotes or brackets)? */
export function endsSentence(text: string): boolean {
  const core = text.trimEnd().replace(TRAILING_CLOSERS, '');
  return SENTENCE_END.test(core) && !ELLIPSIS.test(core) && !ABBREVIATION.test(core);
}

/** The last straight double quote of `text` opens a quotation (it is the odd one). */
function isOpenQuote(text: string): boolean {
  return (text.match(/"/gu)?.length ?? 0) % 2 === 1;
}

/**
 * Applies a case rule to the first word of `text` (after any leading
 * punctuation, quotes or line breaks).
 */
export function caseFirstWord(text: string, rule: CaseRule): string {
  if (rule === 'keep') return text;
  const lead = /^[^\p{L}\p{N}]*/u.exec(text)?.[0] ?? '';
  const word = /^[\p{L}\p{N}'\u2019-]+/u.exec(text.slice(lead.length))?.[0] ?? '';
  if (word === '') return text;
  const cased = rule === 'capital' ? capitalised(word) : lowercasedIfCommon(word);
  return lead + cased + text.slice(lead.length + word.length);
}

function capitalised(word: string): string {
  const first = word.codePointAt(0);
  if (first === undefined) return word;
  const char = String.fromCodePoint(first);
  if (!/^\p{Ll}$/u.test(char)) return word;
  // A word with capitals inside ("eBay", "iPhone") is spelled that way on purpose.
  if (/\p{Lu}/u.test(word.slice(char.length))) return word;
  const upper = char.toUpperCase();
  // Only a clean one-letter mapping ("ß" → "SS" would change the word).
  if ([...upper].length !== 1) return word;
  return upper + word.slice(char.length);
}

/** "The" → "the"; "I", "I'm", "NASA", "Sarah", "iPhone" stay as they are. */
function lowercasedIfCommon(word: string): string {
  // Only a capital followed by lowercase letters: "NASA" or "McDonald" are spelled on purpose.
  if (!/^\p{Lu}[\p{Ll}'\u2019]*$/u.test(word)) return word;
  if (/^I(?:['\u2019]\p{Ll}+)?$/u.test(word)) return word;
  const lower = word.toLowerCase();
  return isCommonWord(lower) ? lower : word;
}

/**
 * How to insert `segment` between `before` and `after` (the text on either
 * side of the insertion point) so the result reads like written text. Only
 * the segment and the spaces just before the insertion point change; the
 * person's text is otherwise left alone. Line breaks inside and at the edges
 * of the segment are kept; spaces and tabs at its edges are not.
 */
export function joinAt(before: string, segment: string, after = ''): Join {
  let piece = segment.replace(/^[^\S\r\n]+/u, '').replace(TRAILING_SPACES, '');
  if (!/\S/u.test(piece) && !/[\r\n]/u.test(piece)) return { deleteBefore: 0, insert: '' };

  const spaces = TRAILING_SPACES.exec(before)?.[0].length ?? 0;
  const closesQuote = piece.startsWith('"') && isOpenQuote(before);
  const attaches = ATTACHES_LEFT.test(piece) || closesQuote;
  const breaksLine = /^[\r\n]/u.test(piece);
  const deleteBefore = attaches || breaksLine ? spaces : 0;
  const kept = before.slice(0, before.length - deleteBefore);

  let space = ' ';
  if (kept === '' || attaches || breaksLine || /\s$/u.test(kept)) space = '';
  else if (OPENERS.test(kept) || (kept.endsWith('"') && isOpenQuote(kept))) space = '';

  // The case of the first word depends on everything before it, including the piece's own leading marks.
  const lead = /^[^\p{L}\p{N}]*/u.exec(piece)?.[0] ?? '';
  piece = lead + caseFirstWord(piece.slice(lead.length), caseAfter(kept + space + lead));

  // Text after the insertion point that starts with a word needs a space before it.
  if (/^[\p{L}\p{N}([{\u201C"]/u.test(after) && !/\s$/u.test(piece)) piece += ' ';
  return { deleteBefore, insert: space + piece };
}

/** Applies a {@link Join} to text that ends at the insertion point. */
export function applyJoin(before: string, join: Join): string {
  return before.slice(0, before.length - join.deleteBefore) + join.insert;
}
