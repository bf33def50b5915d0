import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCommonWord } from '../../src/engine/common-words';
import { applyJoin, caseAfter, joinAt } from '../../src/engine/text-join';

/** The text after inserting `segment` between `before` and `after`. */
function inserted(before: string, segment: string, after = ''): string {
  return applyJoin(before, joinAt(before, segment, after)) + after;
}

describe('isCommonWord', () => {
  it('knows common words and contractions, not names', () => {
    for (const w of ['the', 'then', 'unless', 'because', 'people', "don't", "it's", 'won\u2019t']) {
      expect(isCommonWord(w), w).toBe(true);
    }
    for (const w of ['sarah', 'london', 'nasa', 'utter', 'moonshine', 'xylophone'])
      expect(isCommonWord(w), w).toBe(false);
  });
});

describe('caseAfter', () => {
  it('asks for a capital at the start, after . ? ! and after a line break', () => {
    for (const text of [
      '',
      '   ',
      'Done.',
      'Really?',
      'Wow!',
      'He said "stop."',
      'A (note.)',
      'List:\n',
      'One.\n\n  ',
    ]) {
      expect(caseAfter(text), JSON.stringify(text)).toBe('capital');
    }
  });

  it('asks for lower case after no punctuation , ; : a dash, an ellipsis or an abbreviation', () => {
    for (const text of [
      'I was',
      'Well,',
      'Note:',
      'First;',
      'Late \u2014',
      'So...',
      'Wait\u2026',
      'Fruit, e.g.',
      'Talk to Dr.',
    ]) {
      expect(caseAfter(text), JSON.stringify(text)).toBe('lower');
    }
  });

  it("keeps the model's case right after an opening quote or bracket", () => {
    expect(caseAfter('He said, "')).toBe('keep');
    expect(caseAfter('He said (')).toBe('keep');
    expect(caseAfter('She wrote \u201c')).toBe('keep');
    // After a sentence end, an opening quote still starts a sentence.
    expect(caseAfter('Done. "')).toBe('capital');
    // A straight quote that closes (the even one) is not an opener.
    expect(caseAfter('He said "no"')).toBe('lower');
  });
});

describe('joinAt: case of the first word', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['He was not an ill-disposed young man,', 'Unless to be rather cold-hearted', ' unless to be rather cold-hearted'],
    ['I was thinking', 'The plan works.', ' the plan works.'],
    ['Note:', 'Buy milk.', ' buy milk.'],
    ['First;', 'Second.', ' second.'],
    ['It was late \u2014', 'Very late.', ' very late.'],
    ['I was thinking...', 'Maybe not.', ' maybe not.'],
    ['So then', "I'm done.", " I'm done."],
    ['So then', "I'll go.", " I'll go."],
    ['So then', 'I went.', ' I went.'],
    ['We met', 'Sarah at noon.', ' Sarah at noon.'],
    ['We read', 'NASA reports.', ' NASA reports.'],
    ['We bought an', 'iPhone.', ' iPhone.'],
    ['It is late.', 'we should go.', ' We should go.'],
    ['Really?', 'yes.', ' Yes.'],
    ['', 'hello.', 'Hello.'],
    ['First line\n', 'second line', 'Second line'],
    ['First line', '\nsecond line', '\nSecond line'],
    ['He said, "', 'Hello."', 'Hello."'],
    ['Done.', '"great," she said.', ' "Great," she said.'],
    ['I went home', ', Then I slept.', ', then I slept.'],
    ['I went home', '. then I slept.', '. Then I slept.'],
  ];
  for (const [before, segment, insert] of cases) {
    it(`${JSON.stringify(before)} + ${JSON.stringify(segment)}`, () => {
      expect(joinAt(before, segment).insert).toBe(insert);
    });
  }
});

describe('joinAt: spacing', () => {
  it('puts one space between words and none before attaching marks', () => {
    expect(inserted('Hello there.', 'How are you?')).toBe('Hello there. How are you?');
    expect(inserted('I went home', ',')).toBe('I went home,');
    expect(inserted('I went home  ', ', then slept.')).toBe('I went home, then slept.');
    expect(inserted('The end', '.')).toBe('The end.');
  });

  it('joins a closing straight quote to the quotation and opens one with a space', () => {
    expect(inserted('She said "hello there', '"')).toBe('She said "hello there"');
    expect(inserted('She said', '"Hello')).toBe('She said "Hello');
    expect(inserted('She said "', 'hello')).toBe('She said "hello');
  });

  it('puts no spaces around line breaks', () => {
    expect(inserted('First item ', '\nsecond item')).toBe('First item\nSecond item');
    expect(inserted('Part one. ', '\n\n')).toBe('Part one.\n\n');
    expect(inserted('Part one.\n\n', 'part two.')).toBe('Part one.\n\nPart two.');
  });

  it('respects whitespace already typed before the caret', () => {
    expect(inserted('Two spaces.  ', 'next')).toBe('Two spaces.  Next');
    expect(inserted('Tab\t', 'next')).toBe('Tab\tnext');
  });

  it('inserts nothing for an empty piece', () => {
    expect(joinAt('Text', '  \t ')).toEqual({ deleteBefore: 0, insert: '' });
  });
});

describe('joinAt in the middle of a text', () => {
  it('follows the text before the caret, and keeps a space before the text after it', () => {
    expect(inserted('I went home', 'And slept', ', then left.')).toBe('I went home and slept, then left.');
    expect(inserted('Done. ', 'then more', 'Next sentence.')).toBe('Done. Then more Next sentence.');
    expect(inserted('Done.', 'more', ' Next.')).toBe('Done. More Next.');
    expect(inserted('(', 'Aside', ')')).toBe('(Aside)');
  });

  it('never changes the text after the caret', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (before, segment, after) => {
        const { deleteBefore, insert } = joinAt(before, segment, after);
        expect(deleteBefore).toBeGreaterThanOrEqual(0);
        // Only spaces (never words or line breaks) before the caret may go.
        expect(before.slice(before.length - deleteBefore)).toMatch(/^[^\S\r\n]*$/u);
        const result = before.slice(0, before.length - deleteBefore) + insert + after;
        expect(result.endsWith(after)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps every word of the segment, only the first one re-cased', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z']{0,7}$/u);
    fc.assert(
      fc.property(fc.string(), fc.array(word, { minLength: 1, maxLength: 6 }), (before, words) => {
        const segment = words.join(' ');
        const { insert } = joinAt(before, segment);
        const got = insert.trim().split(' ');
        expect(got.length).toBe(words.length);
        expect(got.slice(1)).toEqual(words.slice(1));
        expect(got[0]?.toLowerCase()).toBe(words[0]?.toLowerCase());
      }),
      { numRuns: 2000 },
    );
  });
});
