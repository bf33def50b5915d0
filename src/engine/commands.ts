/**
 * Spoken punctuation and editing commands (English), applied to one decoded
 * utterance.
 *
 * - Inline marks ("comma", "period", "new line"…) are replaced anywhere in an
 *   utterance, with the spacing around the mark fixed.
 * - Standalone commands ("scratch that", "stop dictation"…) count only when
 *   they are the whole utterance (Dragon's rule), so "I will scratch that
 *   itch" stays prose.
 * - A mark said alone is also taken as the model writes it alone ("New
 *   paragraphs."), which in a sentence stays prose.
 *
 * Matching ignores Moonshine's own casing and punctuation around the spoken
 * words: it writes "period" as "Period," and "question mark" as
 * "question, Mark". Where a mark replaces a spoken word, the model's own
 * punctuation next to that word (its guess at the pause) is dropped: the
 * person said which mark they wanted.
 *
 * Punctuation words used as nouns are converted, as Apple's and Dragon's
 * dictation do ("the Victorian period was" → "the Victorian. was"), with one
 * exception that costs nothing: right after an article or possessive ("a
 * comma", "the colon", "a new line of shoes", "my full stop") nobody means the
 * mark, so the words stay.
 *
 * Pure; no DOM.
 */
import { type CaseRule, caseFirstWord } from './text-join';

export type Utterance =
  /** Text to insert, marks applied (it may start with a mark, or be only a line break). */
  | { kind: 'text'; text: string }
  /** "scratch that" / "delete that": remove the last dictated phrase. */
  | { kind: 'scratch' }
  /** "undo that". */
  | { kind: 'undo' }
  /** "stop dictation" / "stop listening". */
  | { kind: 'stop' };

type Mark = ',' | '.' | '?' | '!' | ':' | ';' | 'open-quote' | 'close-quote' | 'dash' | 'line' | 'paragraph';

/** Spoken forms of each mark, as lowercase words; the model may also write a two-word name as one word or hyphenated. */
const MARKS: ReadonlyArray<readonly [Mark, readonly string[]]> = [
  [',', ['comma']],
  ['.', ['period', 'full stop', 'fullstop']],
  ['?', ['question mark']],
  ['!', ['exclamation point', 'exclamation mark']],
  [':', ['colon']],
  [';', ['semicolon', 'semi colon']],
  ['open-quote', ['open quote', 'open quotes']],
  ['close-quote', ['close quote', 'close quotes']],
  ['dash', ['dash']],
  ['line', ['new line', 'newline']],
  ['paragraph', ['new paragraph']],
];

const STANDALONE: ReadonlyArray<readonly [Exclude<Utterance['kind'], 'text'>, readonly string[]]> = [
  ['scratch', ['scratch that', 'delete that']],
  ['undo', ['undo that']],
  ['stop', ['stop dictation', 'stop listening']],
];

/**
 * How the model writes a mark said on its own, where that is not how people
 * say it: "new paragraph" alone came out "New paragraphs." in some of the
 * flite and festival clips of scripts/measure-short-utterances.ts. Alone
 * only: in a sentence "two new paragraphs" is prose.
 */
const ALONE_SPELLINGS: ReadonlyMap<string, Mark> = new Map([['new paragraphs', 'paragraph']]);

/** The model's spellings of the marks and commands above (glued, plural), not new phrases people say. */
const MODEL_SPELLINGS = ['fullstop', 'newline', 'semi colon', 'open quotes', 'close quotes'];

/**
 * Every inline mark as people say it (one spelling each, lowercase), for the
 * decoder to lean towards in every segment (see `short-segment.ts`).
 */
export const MARK_PHRASES: readonly string[] = MARKS.flatMap(([, phrases]) => phrases).filter(
  (phrase) => !MODEL_SPELLINGS.includes(phrase),
);

/** Every command as people say it, marks and standalone commands, for short segments. */
export const COMMAND_PHRASES: readonly string[] = [...MARK_PHRASES, ...STANDALONE.flatMap(([, phrases]) => phrases)];

/** Every word of every command phrase (lowercase). */
const COMMAND_WORDS = new Set(COMMAND_PHRASES.flatMap((phrase) => phrase.split(' ')));

/** Does the text have any word of a command ("The period.", "Not that,"), matched as the parser matches? */
export function hasCommandWord(text: string): boolean {
  return tokenize(text).some((token) => token.words.some((word) => COMMAND_WORDS.has(word)));
}

/** After one of these words a punctuation word is a noun ("a comma", "the colon"), not a command. */
const DETERMINERS = new Set(['a', 'an', 'the', 'my', 'your', 'his', 'its', 'our', 'their', 'each', 'every']);

/** What a mark writes, and whether it joins the word before / after it without a space. */
const RENDER: Record<Mark, { text: string; glueBefore: boolean; glueAfter: boolean; next: CaseRule }> = {
  ',': { text: ',', glueBefore: true, glueAfter: false, next: 'lower' },
  '.': { text: '.', glueBefore: true, glueAfter: false, next: 'capital' },
  '?': { text: '?', glueBefore: true, glueAfter: false, next: 'capital' },
  '!': { text: '!', glueBefore: true, glueAfter: false, next: 'capital' },
  ':': { text: ':', glueBefore: true, glueAfter: false, next: 'lower' },
  ';': { text: ';', glueBefore: true, glueAfter: false, next: 'lower' },
  'open-quote': { text: '"', glueBefore: false, glueAfter: true, next: 'keep' },
  'close-quote': { text: '"', glueBefore: true, glueAfter: false, next: 'keep' },
  dash: { text: '\u2014', glueBefore: false, glueAfter: false, next: 'lower' },
  line: { text: '\n', glueBefore: true, glueAfter: true, next: 'capital' },
  paragraph: { text: '\n\n', glueBefore: true, glueAfter: true, next: 'capital' },
};

/** The model's own punctuation at a word's end, superseded by a spoken mark after it. */
const MODEL_TRAILING_MARKS = /[,.;:!?\u2026]+$/u;

interface Token {
  /** The token as the model wrote it. */
  raw: string;
  /** Its words for matching: lowercase, punctuation removed, split at hyphens ("Semi-colon" → semi, colon). */
  words: string[];
}

function tokenize(text: string): Token[] {
  return text
    .split(/\s+/u)
    .filter(Boolean)
    .map((raw) => ({
      raw,
      words: raw
        .toLowerCase()
        .replace(/[\u2019]/gu, "'")
        .split(/[-\u2010-\u2014]+/u)
        .map((part) => part.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
        .filter(Boolean),
    }));
}

/** Words of a token sequence, for comparing with a phrase. */
function wordsOf(tokens: readonly Token[]): string {
  return tokens.flatMap((t) => t.words).join(' ');
}

/** A phrase matched over whole tokens starting at `start`: how many tokens it covers. */
function matchAt(tokens: readonly Token[], start: number, phrases: readonly string[]): number {
  for (const phrase of phrases) {
    const wanted = phrase.split(' ');
    let covered = 0;
    let words: string[] = [];
    for (let i = start; i < tokens.length && words.length < wanted.length; i++) {
      words = words.concat((tokens[i] as Token).words);
      covered++;
    }
    if (covered > 0 && words.join(' ') === phrase) return covered;
  }
  return 0;
}

/** Is `text` (cleaned model output) a standalone command? Whole utterance only. */
function standalone(tokens: readonly Token[]): Utterance | null {
  const said = wordsOf(tokens);
  for (const [kind, phrases] of STANDALONE) if (phrases.includes(said)) return { kind } as Utterance;
  return null;
}

type Piece = { kind: 'word'; text: string } | { kind: 'mark'; mark: Mark };

/**
 * Applies voice commands to one utterance of cleaned model text (see
 * `cleanSegmentText`). Text without command words comes back unchanged.
 */
export function parseUtterance(text: string): Utterance {
  const tokens = tokenize(text);
  const command = standalone(tokens);
  if (command) return command;
  const aloneMark = ALONE_SPELLINGS.get(wordsOf(tokens));
  if (aloneMark) return { kind: 'text', text: RENDER[aloneMark].text };

  const pieces: Piece[] = [];
  let found = false;
  for (let i = 0; i < tokens.length; ) {
    const previous = tokens[i - 1];
    // "a comma", "the colon": a noun after an article, unless the model heard a pause between them.
    const afterDeterminer =
      previous !== undefined && /[\p{L}]$/u.test(previous.raw) && DETERMINERS.has(previous.words.at(-1) ?? '');
    let matched = false;
    if (!afterDeterminer) {
      for (const [mark, phrases] of MARKS) {
        const covered = matchAt(tokens, i, phrases);
        if (covered === 0) continue;
        pieces.push({ kind: 'mark', mark });
        i += covered;
        matched = found = true;
        break;
      }
    }
    if (!matched) pieces.push({ kind: 'word', text: (tokens[i++] as Token).raw });
  }
  return { kind: 'text', text: found ? render(pieces) : text };
}

function render(pieces: readonly Piece[]): string {
  let out = '';
  let glue = true; // nothing before the first piece
  let rule: CaseRule = 'keep';
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p] as Piece;
    if (piece.kind === 'word') {
      let word = caseFirstWord(piece.text, rule);
      // The model's own guess at the pause before a spoken mark gives way to the mark.
      if (pieces[p + 1]?.kind === 'mark') word = word.replace(MODEL_TRAILING_MARKS, '');
      if (word === '') continue;
      out += (glue ? '' : ' ') + word;
      glue = false;
      rule = 'keep';
      continue;
    }
    const r = RENDER[piece.mark];
    if (r.glueBefore) out = out.replace(/[^\S\r\n]+$/u, '');
    out += (glue || r.glueBefore ? '' : ' ') + r.text;
    glue = r.glueAfter;
    rule = r.next;
  }
  return out;
}
