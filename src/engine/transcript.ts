/**
 * Text assembly for committed speech segments.
 *
 * Pure; no DOM. The model (Moonshine) already produces cased, punctuated text
 * per segment, so this only cleans each segment and decides the spacing (and,
 * at a sentence start, the case of the first letter) where segments meet.
 * Words inside a segment are never changed.
 */

export interface CommittedSegment {
  id: number;
  text: string;
  /** First sample of the segment, in the 16 kHz capture timeline. */
  startSample: number;
  /** One past the last sample of the segment. */
  endSample: number;
}

/** Zero-width characters and BOM, which models and pastes sometimes emit. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

/** Something worth keeping contains at least one letter or digit. */
const HAS_WORD = /[\p{L}\p{N}]/u;

/** A next segment starting with one of these attaches without a space. */
const ATTACHES_LEFT = /^[,.!?;:')\]}\u2019\u201D\u00BB\u2026%\u3001\u3002\uFF01\uFF0C\uFF1A\uFF1B\uFF1F\uFF09]/u;

/** Existing text ending with one of these takes the next segment without a space. */
const OPENS_RIGHT = /[([{\u201C\u2018\u00AB\u00BF\u00A1]$/u;

/** Closing quotes/brackets that may follow a sentence's final punctuation. */
const TRAILING_CLOSERS = /["')\]}\u2019\u201D\u00BB]+$/u;

/** Opening quotes/brackets that may precede a sentence's first letter. */
const LEADING_OPENERS = /^["'([{\u201C\u2018\u00AB\u00BF\u00A1]*/u;

/** Sentence-final punctuation (an ellipsis does not count: the thought may go on). */
const SENTENCE_END = /[.!?\u203D\u3002\uFF01\uFF1F]$/u;
const ELLIPSIS = /(?:\.\.|\u2026)$/u;

/** Abbreviations whose full stop does not end a sentence. */
const ABBREVIATION = /(?:^|[^\p{L}])(?:e\.g|i\.e|mr|mrs|ms|dr|vs|cf)\.$/iu;

/**
 * Clean one model output: trim, collapse internal whitespace, drop empty,
 * whitespace-only and pure-noise outputs ("", ".", "...", "-"), keeping the
 * model's casing and punctuation. Returns '' when nothing is worth keeping.
 */
export function cleanSegmentText(raw: string): string {
  const text = raw.replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
  return HAS_WORD.test(text) ? text : '';
}

/**
 * Join segment texts into readable text: a single space between segments, no
 * space before , . ! ? ; : ' ) (and similar closers); after a sentence end
 * (. ! ?) or at the very start, a lowercase first letter is capitalised.
 * Capitals are never lowercased and words inside a segment are never altered.
 * Empty and whitespace-only segments are skipped.
 */
export function joinSegments(texts: readonly string[]): string {
  let out = '';
  for (const text of texts) out = appendSegment(out, text);
  return out;
}

/**
 * Append a segment text to existing transcript text (which a person may have
 * edited), with the same spacing rules as {@link joinSegments}. Trailing
 * whitespace the person typed (a space, a new line) is respected rather than
 * doubled, except that spaces are dropped before attaching punctuation.
 */
export function appendSegment(existing: string, next: string): string {
  let piece = next.trim();
  if (piece === '') return existing;

  const context = existing.trimEnd();
  if (context === '' || endsSentence(context)) piece = capitaliseFirstLetter(piece);
  if (context === '') return existing + piece;

  if (ATTACHES_LEFT.test(piece)) {
    // "word" + ", more" → "word, more"; also drop spaces (not new lines) the
    // person left before it.
    return existing.replace(/[^\S\r\n]+$/u, '') + piece;
  }
  if (existing !== context || OPENS_RIGHT.test(context)) return existing + piece;
  return `${existing} ${piece}`;
}

function endsSentence(text: string): boolean {
  const core = text.replace(TRAILING_CLOSERS, '');
  return SENTENCE_END.test(core) && !ELLIPSIS.test(core) && !ABBREVIATION.test(core);
}

function capitaliseFirstLetter(text: string): string {
  const opener = LEADING_OPENERS.exec(text)?.[0] ?? '';
  const rest = text.slice(opener.length);
  const first = rest.codePointAt(0);
  if (first === undefined) return text;
  const char = String.fromCodePoint(first);
  if (!/^\p{Ll}$/u.test(char)) return text;
  const upper = char.toUpperCase();
  // Only a clean one-letter mapping ("ß" → "SS" would change the word).
  if ([...upper].length !== 1) return text;
  return opener + upper + rest.slice(char.length);
}
