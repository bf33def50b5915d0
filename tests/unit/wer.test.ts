import { describe, expect, it } from 'vitest';
import { normalizeForWer, wordErrorRate, wordsInOrder } from '../../src/engine/wer';

describe('normalizeForWer', () => {
  it('lowercases, strips punctuation and collapses whitespace', () => {
    expect(normalizeForWer('  Hello,   World!\n\tHow are   you?  ')).toEqual(['hello', 'world', 'how', 'are', 'you']);
  });

  it('returns no words for empty, whitespace-only or punctuation-only text', () => {
    expect(normalizeForWer('')).toEqual([]);
    expect(normalizeForWer(' \n\t ')).toEqual([]);
    expect(normalizeForWer('... — !?')).toEqual([]);
  });

  it('keeps apostrophes inside words only, including curly ones', () => {
    expect(normalizeForWer("Don't say 'maybe', it's the students' choice.")).toEqual([
      "don't",
      'say',
      'maybe',
      "it's",
      'the',
      'students',
      'choice',
    ]);
    expect(normalizeForWer('I\u2019m here')).toEqual(["i'm", 'here']);
  });

  it('splits on hyphens and dashes', () => {
    expect(normalizeForWer('an ill-disposed man—really')).toEqual(['an', 'ill', 'disposed', 'man', 'really']);
  });

  it('keeps numbers as written, dropping thousands separators only', () => {
    expect(normalizeForWer('It costs 3.50, or 1,000 yen; ten more.')).toEqual([
      'it',
      'costs',
      '3.50',
      'or',
      '1000',
      'yen',
      'ten',
      'more',
    ]);
  });

  it('handles non-ASCII letters', () => {
    expect(normalizeForWer('Café DÉJÀ vu, naïve Straße')).toEqual(['café', 'déjà', 'vu', 'naïve', 'straße']);
    // NFKC: a decomposed é matches a precomposed one.
    expect(normalizeForWer('cafe\u0301')).toEqual(normalizeForWer('caf\u00e9'));
  });
});

describe('wordErrorRate', () => {
  it('is 0 for identical text', () => {
    expect(wordErrorRate('the cat sat on the mat', 'the cat sat on the mat')).toEqual({
      wer: 0,
      substitutions: 0,
      deletions: 0,
      insertions: 0,
      refWords: 6,
    });
  });

  it('ignores case and punctuation differences', () => {
    expect(wordErrorRate('Hello, world! How are you?', 'hello world how are you').wer).toBe(0);
  });

  it('is 1.0 for an empty hypothesis (all deletions)', () => {
    expect(wordErrorRate('go forward ten meters', '')).toEqual({
      wer: 1,
      substitutions: 0,
      deletions: 4,
      insertions: 0,
      refWords: 4,
    });
  });

  it('counts one substitution in four words as 0.25', () => {
    expect(wordErrorRate('go forward ten meters', 'go forward 10 meters')).toEqual({
      wer: 0.25,
      substitutions: 1,
      deletions: 0,
      insertions: 0,
      refWords: 4,
    });
  });

  it('counts an insertion', () => {
    const r = wordErrorRate('the cat sat', 'the black cat sat');
    expect(r).toMatchObject({ substitutions: 0, deletions: 0, insertions: 1, refWords: 3 });
    expect(r.wer).toBeCloseTo(1 / 3, 10);
  });

  it('counts a deletion', () => {
    expect(wordErrorRate('the black cat sat', 'the cat sat')).toEqual({
      wer: 0.25,
      substitutions: 0,
      deletions: 1,
      insertions: 0,
      refWords: 4,
    });
  });

  it('prefers substitutions when they tie with a deletion plus an insertion', () => {
    // a b c d e vs a x c e f: 3 substitutions or 1 S + 1 D + 1 I; both cost 3.
    expect(wordErrorRate('a b c d e', 'a x c e f')).toMatchObject({ wer: 0.6, substitutions: 3 });
  });

  it('counts mixed edits from the minimal alignment', () => {
    // the→a (S), brown deleted (D), high inserted (I). Keeping quick/fox/jumps
    // matched is the only 3-edit alignment.
    expect(wordErrorRate('the quick brown fox jumps', 'a quick fox jumps high')).toEqual({
      wer: 0.6,
      substitutions: 1,
      deletions: 1,
      insertions: 1,
      refWords: 5,
    });
  });

  it('can exceed 1 when the hypothesis is much longer', () => {
    // a vs b c d: one substitution plus two insertions over one word.
    expect(wordErrorRate('a', 'b c d')).toEqual({
      wer: 3,
      substitutions: 1,
      deletions: 0,
      insertions: 2,
      refWords: 1,
    });
  });

  it('handles a shifted sequence', () => {
    // Dropping the first word and appending one is 1 D + 1 I, not 4 S.
    const r = wordErrorRate('one two three four', 'two three four five');
    expect(r).toMatchObject({ substitutions: 0, deletions: 1, insertions: 1, refWords: 4 });
    expect(r.wer).toBe(0.5);
  });

  it('handles an empty reference', () => {
    expect(wordErrorRate('', '')).toEqual({ wer: 0, substitutions: 0, deletions: 0, insertions: 0, refWords: 0 });
    expect(wordErrorRate('  .  ', 'uh huh')).toEqual({
      wer: 1,
      substitutions: 0,
      deletions: 0,
      insertions: 2,
      refWords: 0,
    });
  });

  it('is symmetric in total edits', () => {
    const a = 'please send the quarterly report to the finance team by friday';
    const b = 'please send a quarterly report to finance by friday thanks';
    const ab = wordErrorRate(a, b);
    const ba = wordErrorRate(b, a);
    const total = (r: ReturnType<typeof wordErrorRate>) => r.substitutions + r.deletions + r.insertions;
    expect(total(ab)).toBe(total(ba));
    expect(ab.deletions).toBe(ba.insertions);
    expect(ab.insertions).toBe(ba.deletions);
    // the→a (S), "the" and "team" deleted (2 D), "thanks" inserted (I).
    expect(ab).toMatchObject({ substitutions: 1, deletions: 2, insertions: 1, refWords: 11 });
  });
});

describe('wordsInOrder', () => {
  it('counts the reference words that arrive in order', () => {
    expect(wordsInOrder('the cat sat on the mat', 'The cat sat on the mat.')).toBe(6);
    expect(wordsInOrder('the cat sat on the mat', 'the mat sat')).toBe(2);
    expect(wordsInOrder('one two three', '')).toBe(0);
    // A repeated sentence adds no matches; a lost one takes them away.
    expect(wordsInOrder('a b. c d.', 'a b. a b. c d.')).toBe(4);
    expect(wordsInOrder('a b. c d.', 'c d.')).toBe(2);
  });
});
