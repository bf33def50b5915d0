import { describe, expect, it } from 'vitest';
import { parseUtterance } from '../../src/engine/commands';

/** Each inline mark, every spoken form, and what it writes alone. */
const INLINE: ReadonlyArray<readonly [string, string]> = [
  ['comma', ','],
  ['period', '.'],
  ['full stop', '.'],
  ['question mark', '?'],
  ['exclamation point', '!'],
  ['exclamation mark', '!'],
  ['colon', ':'],
  ['semicolon', ';'],
  ['open quote', '"'],
  ['close quote', '"'],
  ['dash', '\u2014'],
  ['new line', '\n'],
  ['new paragraph', '\n\n'],
];

/** How the model writes a phrase: casing, its own trailing punctuation, a comma splitting two words. */
function variants(phrase: string): string[] {
  const words = phrase.split(' ');
  const title = words.map((w) => w[0]?.toUpperCase() + w.slice(1));
  const out = new Set<string>();
  for (const form of [words, title, [title[0] ?? '', ...words.slice(1)], words.map((w) => w.toUpperCase())]) {
    for (const end of ['', '.', ',', '!', '?', '...']) {
      out.add(form.join(' ') + end);
      if (form.length > 1) out.add(`${form[0]}, ${form.slice(1).join(' ')}${end}`);
    }
  }
  return [...out];
}

describe('inline marks, every phrase and variant', () => {
  for (const [phrase, mark] of INLINE) {
    it(`"${phrase}" alone writes ${JSON.stringify(mark)}`, () => {
      for (const said of variants(phrase)) {
        expect(parseUtterance(said), said).toEqual({ kind: 'text', text: mark });
      }
    });
  }

  it('the model writing a two-word name as one word or hyphenated', () => {
    expect(parseUtterance('Semi-colon.')).toEqual({ kind: 'text', text: ';' });
    expect(parseUtterance('Semi colon')).toEqual({ kind: 'text', text: ';' });
    expect(parseUtterance('Newline.')).toEqual({ kind: 'text', text: '\n' });
    expect(parseUtterance('Full-stop.')).toEqual({ kind: 'text', text: '.' });
  });
});

describe('inline marks inside sentences', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['I went home comma then I slept period', 'I went home, then I slept.'],
    // The model's own guesses at the pauses give way to the marks.
    ['I went home. Comma, then I slept. Period.', 'I went home, then I slept.'],
    ['I went home, Comma. Then I slept, full stop.', 'I went home, then I slept.'],
    ['Are you coming question mark', 'Are you coming?'],
    ['Are you coming, question, Mark.', 'Are you coming?'],
    ['That is great. Exclamation point.', 'That is great!'],
    [
      'Buy three things colon milk comma eggs semicolon and bread full stop',
      'Buy three things: milk, eggs; and bread.',
    ],
    ['She said open quote hello there close quote', 'She said "hello there"'],
    ['She said, open quote. Hello there. Close quote.', 'She said "Hello there"'],
    ['It was late dash very late exclamation mark', 'It was late \u2014 very late!'],
    ['First item new line second item', 'First item\nSecond item'],
    ['End of part one. New paragraph. Part two begins.', 'End of part one\n\nPart two begins.'],
    ['Is it done question mark yes it is period', 'Is it done? Yes it is.'],
    // A capital the model put after its own full stop goes when the mark is a comma; names keep theirs.
    ['I called. Comma. Then I left.', 'I called, then I left.'],
    ['I called. Comma. Sarah answered.', 'I called, Sarah answered.'],
    ['Period. New paragraph.', '.\n\n'],
    ['comma then more', ', then more'],
  ];
  for (const [said, written] of cases) {
    it(JSON.stringify(said), () => expect(parseUtterance(said)).toEqual({ kind: 'text', text: written }));
  }
});

describe('standalone commands: the whole utterance only', () => {
  const STANDALONE: ReadonlyArray<readonly [string, string]> = [
    ['scratch that', 'scratch'],
    ['delete that', 'scratch'],
    ['undo that', 'undo'],
    ['stop dictation', 'stop'],
    ['stop listening', 'stop'],
  ];
  for (const [phrase, kind] of STANDALONE) {
    it(`"${phrase}" and its variants`, () => {
      for (const said of variants(phrase)) expect(parseUtterance(said), said).toEqual({ kind });
    });
  }

  it('inside prose they are words', () => {
    for (const said of [
      'I will scratch that itch.',
      'Please delete that file.',
      'Can you undo that for me?',
      'We should stop dictation software from listening.',
      'Stop listening to him.',
      'Scratch that and start again.',
    ]) {
      expect(parseUtterance(said), said).toEqual({ kind: 'text', text: said });
    }
  });

  it('"new line" and "new paragraph" alone are line breaks, not actions', () => {
    expect(parseUtterance('New line.')).toEqual({ kind: 'text', text: '\n' });
    expect(parseUtterance('New, paragraph.')).toEqual({ kind: 'text', text: '\n\n' });
  });

  it('"new paragraph" alone is a paragraph also as the model writes it said alone ("New paragraphs."), in a sentence prose', () => {
    expect(parseUtterance('New paragraphs.')).toEqual({ kind: 'text', text: '\n\n' });
    expect(parseUtterance('new paragraphs,')).toEqual({ kind: 'text', text: '\n\n' });
    expect(parseUtterance('New, paragraphs.')).toEqual({ kind: 'text', text: '\n\n' });
    for (const said of ['I wrote two new paragraphs.', 'New paragraphs were added.']) {
      expect(parseUtterance(said), said).toEqual({ kind: 'text', text: said });
    }
  });
});

describe('punctuation words used as nouns', () => {
  it('are converted, as Apple and Dragon do', () => {
    expect(parseUtterance('The Victorian period was long.')).toEqual({
      kind: 'text',
      text: 'The Victorian. Was long.',
    });
    expect(parseUtterance('I had to dash home.')).toEqual({ kind: 'text', text: 'I had to \u2014 home.' });
  });

  it('stay words right after an article or possessive', () => {
    for (const said of [
      'Add a comma here.',
      'The colon is part of the gut.',
      'We launched a new line of shoes.',
      'It needs a full stop.',
      'Put the question mark at the end.',
      'Start a new paragraph.',
      'Add a dash of salt.',
      'My period of study.',
    ]) {
      expect(parseUtterance(said), said).toEqual({ kind: 'text', text: said });
    }
  });

  it('but a pause the model heard after the article makes it a mark again', () => {
    expect(parseUtterance('I saw the. Period.')).toEqual({ kind: 'text', text: 'I saw the.' });
  });
});

describe('words that only look like command words', () => {
  it('are left alone', () => {
    for (const said of [
      'Comma-separated values.',
      'Periodic table.',
      'A semicolonic thing.',
      'Open the door and close the window.',
      'Question the mark.',
      'The new, improved line.',
    ]) {
      expect(parseUtterance(said), said).toEqual({ kind: 'text', text: said });
    }
  });
});
