import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUtterance } from '../../src/engine/commands';

// Every spoken command, written independently of the parser's tables: prose
// that contains none of them, as words in a row, must pass through untouched.
const COMMAND_PHRASES = [
  'comma',
  'period',
  'full stop',
  'fullstop',
  'question mark',
  'exclamation point',
  'exclamation mark',
  'colon',
  'semicolon',
  'semi colon',
  'open quote',
  'open quotes',
  'close quote',
  'close quotes',
  'dash',
  'new line',
  'newline',
  'new paragraph',
  'scratch that',
  'delete that',
  'undo that',
  'stop dictation',
  'stop listening',
];

/** Words as the parser might see them: lowercase, punctuation and hyphens as spaces. */
function spokenWords(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .trim()} `;
}

function hasCommand(text: string): boolean {
  const words = spokenWords(text);
  return COMMAND_PHRASES.some((phrase) => words.includes(` ${phrase} `));
}

// Ordinary words, including the halves of command phrases and near misses.
const VOCABULARY = [
  'I',
  'the',
  'a',
  'new',
  'line',
  'open',
  'close',
  'quote',
  'stop',
  'full',
  'question',
  'mark',
  'point',
  'that',
  'scratch',
  'undo',
  'delete',
  'paragraph',
  'exclamation',
  'semi',
  'listening',
  'dictation',
  'periodic',
  'commas',
  'dashing',
  'Sarah',
  'NASA',
  'went',
  'home',
  "don't",
  '42',
  'caf\u00e9',
];

const word = fc.tuple(
  fc.constantFrom(...VOCABULARY),
  fc.constantFrom('lower', 'title', 'upper', 'as-is'),
  fc.constantFrom('', '', '', ',', '.', '?', '!', ';', ':', '...', '"'),
  fc.constantFrom('', '', '', '"', '('),
);

const prose = fc.array(word, { minLength: 1, maxLength: 14 }).map((words) =>
  words
    .map(([w, casing, after, before]) => {
      const cased =
        casing === 'lower'
          ? w.toLowerCase()
          : casing === 'upper'
            ? w.toUpperCase()
            : casing === 'title'
              ? w[0]?.toUpperCase() + w.slice(1)
              : w;
      return before + cased + after;
    })
    .join(' '),
);

describe('parseUtterance on prose without command words', () => {
  it('returns the text unchanged', () => {
    fc.assert(
      fc.property(prose, (text) => {
        fc.pre(!hasCommand(text));
        expect(parseUtterance(text)).toEqual({ kind: 'text', text });
      }),
      { numRuns: 3000 },
    );
  });

  it('returns any other string unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        fc.pre(!hasCommand(text));
        expect(parseUtterance(text)).toEqual({ kind: 'text', text });
      }),
      { numRuns: 2000 },
    );
  });

  it('never writes a command word it replaced, and only changes text that has one', () => {
    fc.assert(
      fc.property(prose, fc.constantFrom(...COMMAND_PHRASES.slice(0, 18)), prose, (left, phrase, right) => {
        const said = `${left} ${phrase} ${right}`;
        const result = parseUtterance(said);
        expect(result.kind).toBe('text');
        if (result.kind !== 'text') return;
        // The phrase may survive only as a noun after an article, or when it is glued to punctuation in a way that splits it.
        const before = spokenWords(left).trim().split(' ').at(-1) ?? '';
        const nounAfterArticle =
          /[\p{L}]$/u.test(left) &&
          ['a', 'an', 'the', 'my', 'your', 'his', 'its', 'our', 'their', 'each', 'every'].includes(before);
        if (!nounAfterArticle) expect(result.text).not.toBe(said);
      }),
      { numRuns: 1000 },
    );
  });
});
