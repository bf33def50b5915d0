import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyReplacements, parseVocabulary } from '../../src/engine/vocabulary';

// Rules are made from one pool of words and prose from another, disjoint
// pool, with Moonshine-like punctuation and capitals: no rule can match, so
// the text must come back exactly as it was.
const RULE_WORDS = ['zorblax', 'quenty', 'vashti', 'okonkwo', 'kubernetes', 'sequel', 'hub', 'get'];
const PROSE_WORDS = [
  'the',
  'cat',
  'sat',
  'on',
  'mat',
  "don't",
  'hubris',
  'getting',
  'sequels',
  'I',
  'New',
  'York',
  '42',
];

const word = fc
  .constantFrom(...PROSE_WORDS)
  .chain((w) => fc.constantFrom(w, w.toUpperCase(), w[0]?.toUpperCase() + w.slice(1)));
const separator = fc.constantFrom(' ', ', ', '. ', '? ', ' - ', '-', ' "', '" ', '\n');
const prose = fc
  .array(fc.tuple(word, separator), { maxLength: 30 })
  .map((parts) => parts.map(([w, s]) => w + s).join(''));

const ruleLine = fc.oneof(
  fc
    .tuple(fc.array(fc.constantFrom(...RULE_WORDS), { minLength: 1, maxLength: 3 }), fc.constantFrom(...PROSE_WORDS))
    .map(([heard, written]) => `${heard.join(' ')} => ${written}`),
  fc
    .array(fc.constantFrom(...RULE_WORDS), { minLength: 1, maxLength: 2 })
    .map((words) => words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join(' ')),
);

describe('applyReplacements (property)', () => {
  it('leaves text without any rule’s heard words unchanged', () => {
    fc.assert(
      fc.property(fc.array(ruleLine, { maxLength: 8 }), prose, (lines, text) => {
        const { rules } = parseVocabulary(lines.join('\n'));
        expect(applyReplacements(text, rules)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('replaces every occurrence of a heard word, whatever the text around it', () => {
    fc.assert(
      fc.property(prose, prose, (before, after) => {
        const { rules } = parseVocabulary('zorblax => Zorblax Inc');
        const out = applyReplacements(`${before} zorblax, ${after}`, rules);
        expect(out).toBe(`${before} Zorblax Inc, ${after}`);
      }),
      { numRuns: 300 },
    );
  });
});
