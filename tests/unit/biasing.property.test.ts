import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TermBiasing, termSpellings } from '../../src/engine/biasing';
import { biasTokenizer } from '../../src/engine/tokenizer';

// Terms as people list them: one to three words, made-up or real, in any
// casing, tokenized by Moonshine's own tokenizer. Made-up words give many
// different token splits; real ones share prefixes with ordinary words.
const KNOWN = ['Kubernetes', 'Thessaloniki', 'Siobhan', 'PyTorch', 'notebook', 'Okonkwo', 'comma', 'she', 'the'];
const madeUp = fc
  .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), { minLength: 2, maxLength: 10 })
  .map((letters) => letters.join(''));
const word = fc
  .oneof(fc.constantFrom(...KNOWN), madeUp)
  .chain((w) => fc.constantFrom(w, w.toLowerCase(), w.toUpperCase()));
const term = fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join(' '));
const terms = fc.array(term, { minLength: 1, maxLength: 6 });
const bonus = fc.integer({ min: 1, max: 8 });

const VOCAB = biasTokenizer.pieces.length;
const spaced = (list: readonly string[]) =>
  list.flatMap((t) => termSpellings(t).map((spelling) => biasTokenizer.encode(spelling, true)));

describe('TermBiasing (property)', () => {
  it('boosts, at every step, the next token of every spelling of every term, by the bonus, and a whole term settles the steer', () => {
    fc.assert(
      fc.property(terms, bonus, fc.nat(), (list, value, pick) => {
        const biasing = TermBiasing.build(list, biasTokenizer, { bonus: value });
        const spellings = spaced(list);
        const tokens = spellings[pick % spellings.length] as number[];
        const decoding = biasing.begin();
        tokens.forEach((token, step) => {
          const logits = new Float32Array(VOCAB);
          expect(decoding.apply(logits, 0)).toContain(token);
          expect(logits[token]).toBe(value);
          // The bonus chose the term's first token; the rest are the model's own.
          expect(decoding.advance(token, step === 0)).toBe('ok');
        });
        expect(decoding.steering).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('boosts nothing at the start but the first tokens of the terms’ spellings as new words', () => {
    fc.assert(
      fc.property(terms, (list) => {
        const boosted = TermBiasing.build(list, biasTokenizer).begin().apply(new Float32Array(VOCAB), 0);
        const firsts = new Set(spaced(list).map((tokens) => tokens[0]));
        expect(new Set(boosted)).toEqual(firsts);
      }),
      { numRuns: 300 },
    );
  });

  it('says "abandoned" when a steered term is left before it is whole, and then boosts only fresh starts', () => {
    fc.assert(
      fc.property(terms, fc.nat(), fc.nat(), (list, pick, away) => {
        const biasing = TermBiasing.build(list, biasTokenizer);
        const spellings = spaced(list);
        const tokens = spellings[pick % spellings.length] as number[];
        const first = tokens[0] as number;
        const decoding = biasing.begin();
        decoding.apply(new Float32Array(VOCAB), 0);
        decoding.advance(first, true);
        // A one-token term is whole at once: nothing to withdraw.
        const whole = spellings.some((s) => s.length === 1 && s[0] === first);
        expect(decoding.steering).toBe(!whole);
        // Leave with a token that continues no term and starts none.
        const offered = new Set(decoding.apply(new Float32Array(VOCAB), 0));
        let leave = away % VOCAB;
        while (offered.has(leave)) leave = (leave + 1) % VOCAB;
        expect(decoding.advance(leave, false)).toBe(whole ? 'ok' : 'abandoned');
        expect(decoding.steering).toBe(false);
        const after = new Set(decoding.apply(new Float32Array(VOCAB), 0));
        const starts = TermBiasing.build(list, biasTokenizer).begin();
        starts.advance(leave, false);
        expect(after).toEqual(new Set(starts.apply(new Float32Array(VOCAB), 0)));
      }),
      { numRuns: 300 },
    );
  });

  it('with an empty list, boosts nothing whatever was decoded', () => {
    const biasing = TermBiasing.build(['', '   '], biasTokenizer);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: VOCAB - 1 }), { maxLength: 20 }), (decoded) => {
        const decoding = biasing.begin();
        for (const token of decoded) {
          const logits = new Float32Array(VOCAB);
          expect(decoding.apply(logits, 0)).toEqual([]);
          expect(logits.every((x) => x === 0)).toBe(true);
          expect(decoding.advance(token, false)).toBe('ok');
        }
      }),
      { numRuns: 200 },
    );
  });
});
