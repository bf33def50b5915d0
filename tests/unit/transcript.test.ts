import { describe, expect, it } from 'vitest';
import { appendSegment, cleanSegmentText, joinSegments } from '../../src/engine/transcript';

describe('cleanSegmentText', () => {
  it('trims and collapses internal whitespace', () => {
    expect(cleanSegmentText('  Hello   there,\n\tfriend.  ')).toBe('Hello there, friend.');
    expect(cleanSegmentText('Non\u00a0breaking')).toBe('Non breaking');
  });

  it('keeps the model casing and punctuation', () => {
    expect(cleanSegmentText('I think NASA said "no"; OK?')).toBe('I think NASA said "no"; OK?');
  });

  it('drops empty, whitespace-only and pure-noise outputs', () => {
    for (const raw of ['', '   ', '\n\t', '.', '...', ' . ', '\u2026', '-', '?!', '\u200b', '" "']) {
      expect(cleanSegmentText(raw), JSON.stringify(raw)).toBe('');
    }
  });

  it('keeps short real words and numbers', () => {
    expect(cleanSegmentText('Yes.')).toBe('Yes.');
    expect(cleanSegmentText(' 42 ')).toBe('42');
    expect(cleanSegmentText('Ok')).toBe('Ok');
  });

  it('removes zero-width characters and keeps other unicode', () => {
    expect(cleanSegmentText('Caf\u00e9\u200b au lait \u{1F600}')).toBe('Caf\u00e9 au lait \u{1F600}');
  });
});

describe('joinSegments', () => {
  it('returns empty text for no segments', () => {
    expect(joinSegments([])).toBe('');
    expect(joinSegments(['', '  '])).toBe('');
  });

  it('separates segments with a single space', () => {
    expect(joinSegments(['Hello there.', 'How are you?'])).toBe('Hello there. How are you?');
    expect(joinSegments(['  Hello there.  ', '\tHow are you?\t'])).toBe('Hello there. How are you?');
  });

  it('keeps line breaks a segment carries (the "new line" command makes them)', () => {
    expect(joinSegments(['Hello there.', '\nHow are you?'])).toBe('Hello there.\nHow are you?');
    expect(joinSegments(['Hello there. ', '\n\nhow are you?'])).toBe('Hello there.\n\nHow are you?');
  });

  it('skips empty and whitespace-only segments', () => {
    expect(joinSegments(['One.', '', '   ', 'Two.', '\t'])).toBe('One. Two.');
  });

  it('puts no space before attaching punctuation', () => {
    expect(joinSegments(['I went home', ', then slept.'])).toBe('I went home, then slept.');
    expect(joinSegments(['Really', '?'])).toBe('Really?');
    expect(joinSegments(['Stop', '!'])).toBe('Stop!');
    expect(joinSegments(['Note', ': buy milk'])).toBe('Note: buy milk');
    expect(joinSegments(['First part', '; second part'])).toBe('First part; second part');
    expect(joinSegments(['The end', '.'])).toBe('The end.');
    expect(joinSegments(['It (as I said', ') works'])).toBe('It (as I said) works');
    expect(joinSegments(['The dog', "'s bowl"])).toBe("The dog's bowl");
  });

  it('capitalises a lowercase start after a sentence end', () => {
    expect(joinSegments(['It is late.', 'we should go.'])).toBe('It is late. We should go.');
    expect(joinSegments(['Really?', 'yes.'])).toBe('Really? Yes.');
    expect(joinSegments(['Wow!', 'that was fast.'])).toBe('Wow! That was fast.');
    expect(joinSegments(['He said "stop."', 'then he left.'])).toBe('He said "stop." Then he left.');
  });

  it('capitalises a lowercase first segment', () => {
    expect(joinSegments(['hello there.'])).toBe('Hello there.');
  });

  it('does not capitalise mid-sentence, after an ellipsis or an abbreviation', () => {
    expect(joinSegments(['I was thinking', 'about lunch.'])).toBe('I was thinking about lunch.');
    expect(joinSegments(['I went home,', 'then slept.'])).toBe('I went home, then slept.');
    expect(joinSegments(['I was thinking...', 'maybe not.'])).toBe('I was thinking... maybe not.');
    expect(joinSegments(['I was thinking\u2026', 'maybe not.'])).toBe('I was thinking\u2026 maybe not.');
    expect(joinSegments(['Bring fruit, e.g.', 'apples.'])).toBe('Bring fruit, e.g. apples.');
  });

  it("lowercases the model's sentence capital on a common word after a segment without terminal punctuation", () => {
    expect(joinSegments(['I was thinking', 'The plan works'])).toBe('I was thinking the plan works');
    expect(joinSegments(['He was not an ill-disposed young man,', 'Unless to be rather cold-hearted'])).toBe(
      'He was not an ill-disposed young man, unless to be rather cold-hearted',
    );
  });

  it('keeps the capital of I, of names and of words spelled with capitals', () => {
    expect(joinSegments(['So and then', "I'm done"])).toBe("So and then I'm done");
    expect(joinSegments(['So and then', 'I left'])).toBe('So and then I left');
    expect(joinSegments(['We met', 'Sarah at noon'])).toBe('We met Sarah at noon');
    expect(joinSegments(['We use', 'NASA data'])).toBe('We use NASA data');
  });

  it('never alters words inside a segment', () => {
    const segs = ['the iPhone is here.', 'eBay sells it. okay then.'];
    // Only the first letter of a sentence-starting segment may change, and
    // not in a word spelled with capitals inside ("eBay").
    expect(joinSegments(segs)).toBe('The iPhone is here. eBay sells it. okay then.');
  });

  it('handles a segment starting with punctuation and a letter after it', () => {
    expect(joinSegments(['Wait', '... what happened?'])).toBe('Wait... what happened?');
    expect(joinSegments(['Done.', '"great," she said.'])).toBe('Done. "Great," she said.');
  });

  it('handles unicode text', () => {
    expect(joinSegments(['Voil\u00e0.', '\u00e9t\u00e9 arrive.'])).toBe('Voil\u00e0. \u00c9t\u00e9 arrive.');
    expect(joinSegments(['Stra\u00dfe.', '\u00dfoo'])).toBe('Stra\u00dfe. \u00dfoo');
    expect(joinSegments(['Nice \u{1F600}', 'see you.'])).toBe('Nice \u{1F600} see you.');
    expect(joinSegments(['Done.', '\u{1F600} great'])).toBe('Done. \u{1F600} great');
    expect(joinSegments(['\u041f\u0440\u0438\u0432\u0435\u0442.', '\u043c\u0438\u0440'])).toBe(
      '\u041f\u0440\u0438\u0432\u0435\u0442. \u041c\u0438\u0440',
    );
  });
});

describe('appendSegment', () => {
  it('appends to empty text', () => {
    expect(appendSegment('', 'Hello.')).toBe('Hello.');
    expect(appendSegment('', '  ')).toBe('');
  });

  it('uses the same spacing rules as joinSegments', () => {
    expect(appendSegment('Hello there.', 'how are you?')).toBe('Hello there. How are you?');
    expect(appendSegment('I went home', ', then slept.')).toBe('I went home, then slept.');
  });

  it('leaves existing text unchanged for an empty segment', () => {
    expect(appendSegment('Edited text ', '')).toBe('Edited text ');
    expect(appendSegment('Edited text', ' \t ')).toBe('Edited text');
  });

  it('respects whitespace a person typed at the end', () => {
    expect(appendSegment('First line.\n', 'second line.')).toBe('First line.\nSecond line.');
    expect(appendSegment('Para one.\n\n', 'next.')).toBe('Para one.\n\nNext.');
    expect(appendSegment('Trailing space ', 'here')).toBe('Trailing space here');
    expect(appendSegment('Two spaces.  ', 'next')).toBe('Two spaces.  Next');
  });

  it('drops spaces, but not new lines, before attaching punctuation', () => {
    expect(appendSegment('Hello  ', ', world')).toBe('Hello, world');
    expect(appendSegment('Hello\n', ', world')).toBe('Hello\n, world');
  });

  it('does not add a space after an opening bracket or quote', () => {
    expect(appendSegment('He said (', 'quietly) no.')).toBe('He said (quietly) no.');
    expect(appendSegment('She wrote \u201c', 'hello\u201d.')).toBe('She wrote \u201chello\u201d.');
  });

  it('matches joinSegments when appending one by one', () => {
    const segs = ['so.', 'I went home', ', then slept', '.', 'the end', '!'];
    let text = '';
    for (const s of segs) text = appendSegment(text, s);
    expect(text).toBe(joinSegments(segs));
    expect(text).toBe('So. I went home, then slept. The end!');
  });
});
