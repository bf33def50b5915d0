import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyChange,
  type DictationState,
  dictate,
  followCaret,
  initialDictation,
  invertChange,
  mapDictation,
  mapThroughChange,
  planDictation,
  scratch,
  type TextChange,
  type TextRange,
} from '../../src/engine/caret-insert';

const caret = (at: number): TextRange => ({ from: at, to: at });

/** A document edited the way the editor does it: dictated phrases and typing, each mapping the other's positions. */
class Doc {
  text: string;
  state: DictationState;
  caret: TextRange;
  constructor(text: string, at = text.length) {
    this.text = text;
    this.caret = caret(at);
    this.state = initialDictation(this.caret);
  }
  dictate(phrase: string): TextChange | null {
    const done = dictate(this.text, this.state, phrase, this.caret);
    if (!done) return null;
    const { change } = done;
    this.text = applyChange(this.text, change);
    const end = change.from + change.insert.length;
    // The editor keeps the caret before an insertion at it, unless the phrase carries it along.
    this.caret = done.carryCaret
      ? caret(end)
      : {
          from: mapThroughChange(this.caret.from, change, -1),
          to: mapThroughChange(this.caret.to, change, -1),
        };
    this.state = done.state;
    return change;
  }
  type(chars: string): void {
    const change = { from: this.caret.from, to: this.caret.to, insert: chars };
    this.text = applyChange(this.text, change);
    this.caret = caret(change.from + chars.length);
    this.state = mapDictation(this.state, (pos, assoc) => mapThroughChange(pos, change, assoc), true);
  }
  click(at: TextRange): void {
    this.caret = at;
    this.state = followCaret(this.state, at);
  }
  scratch(): boolean {
    const done = scratch(this.text, this.state);
    if (!done) return false;
    this.text = applyChange(this.text, done.change);
    this.state = done.state;
    return true;
  }
}

describe('planDictation', () => {
  it('appends at the end with the joining rules', () => {
    expect(planDictation('Hello there.', caret(12), 'How are you?')).toEqual({
      from: 12,
      to: 12,
      insert: ' How are you?',
    });
  });

  it('joins relative to the text before the caret in the middle of a text', () => {
    const doc = 'We met on Monday. It rained.';
    // After "Monday" (no full stop yet): lower case, a space before; a space before the word after.
    const change = planDictation(doc, caret(16), 'And then Tuesday');
    expect(change && applyChange(doc, change)).toBe('We met on Monday and then Tuesday. It rained.');
    // At the start: a capital, and a space before the text that follows.
    const start = planDictation(doc, caret(0), 'so');
    expect(start && applyChange(doc, start)).toBe('So We met on Monday. It rained.');
  });

  it('replaces a selection, like typing', () => {
    const doc = 'Send it to Bob today.';
    const change = planDictation(doc, { from: 11, to: 14 }, 'Alice');
    expect(change && applyChange(doc, change)).toBe('Send it to Alice today.');
  });

  it('attaches punctuation to the word before the caret', () => {
    const doc = 'Wait  and see';
    const change = planDictation(doc, caret(6), ', please');
    expect(change && applyChange(doc, change)).toBe('Wait, please and see');
  });

  it('inserts nothing for an empty phrase', () => {
    expect(planDictation('abc', caret(1), '  ')).toBeNull();
  });
});

describe('dictating while the person types', () => {
  it('keeps typed text together and dictated phrases in spoken order', () => {
    const doc = new Doc('Old text.');
    doc.click(caret(0));
    doc.type('Typed ');
    doc.dictate('First phrase.');
    doc.type('words ');
    doc.dictate('Second phrase.');
    doc.type('here.');
    expect(doc.text).toBe('Typed words here.first phrase. Second phrase. Old text.');
    expect(doc.text.indexOf('First'.toLowerCase())).toBeLessThan(doc.text.indexOf('Second'));
  });

  it('carries an untouched caret along, like typing', () => {
    const doc = new Doc('Start.');
    doc.dictate('One.');
    doc.dictate('Two.');
    expect(doc.text).toBe('Start. One. Two.');
    expect(doc.caret).toEqual(caret(doc.text.length));
  });

  it('follows a click: the next phrase goes where the caret was put', () => {
    const doc = new Doc('Alpha. Gamma.');
    doc.click(caret(6));
    doc.dictate('Beta.');
    expect(doc.text).toBe('Alpha. Beta. Gamma.');
  });
});

describe('a mark said after a pause', () => {
  it('replaces the mark the model ended the phrase before with, and scratch that puts it back', () => {
    const doc = new Doc('');
    doc.dictate('Yes.');
    doc.dictate(',');
    expect(doc.text).toBe('Yes,');
    doc.dictate('I will come.');
    expect(doc.text).toBe('Yes, I will come.');
    doc.dictate('.');
    expect(doc.text).toBe('Yes, I will come.');
    expect(doc.scratch()).toBe(true);
    expect(doc.text).toBe('Yes, I will come.');
    expect(doc.scratch()).toBe(true);
    expect(doc.text).toBe('Yes,');
    expect(doc.scratch()).toBe(true);
    expect(doc.text).toBe('Yes.');
    expect(doc.scratch()).toBe(true);
    expect(doc.text).toBe('');
  });

  it('joins a phrase that starts with the mark the same way', () => {
    const doc = new Doc('');
    doc.dictate('We went home.');
    doc.dictate(', then we slept.');
    expect(doc.text).toBe('We went home, then we slept.');
  });

  it("never changes the person's own mark, an ellipsis, or a mark once the caret moved or they typed", () => {
    const typed = new Doc('I typed this.');
    typed.dictate(',');
    expect(typed.text).toBe('I typed this.,');

    const ellipsis = new Doc('');
    ellipsis.dictate('Wait...');
    ellipsis.dictate(',');
    expect(ellipsis.text).toBe('Wait...,');

    const moved = new Doc('');
    moved.dictate('Yes.');
    moved.click(caret(0));
    moved.dictate(',');
    expect(moved.text.endsWith('Yes.')).toBe(true);

    const typedAfter = new Doc('');
    typedAfter.dictate('Yes.');
    typedAfter.type(' Mine.');
    typedAfter.dictate(',');
    expect(typedAfter.text).toBe('Yes. Mine.,');
  });
});

describe('scratch that', () => {
  it('removes the last phrase, then the one before, putting back what they replaced', () => {
    const doc = new Doc('Keep  ');
    doc.dictate(', one');
    doc.dictate('two');
    expect(doc.text).toBe('Keep, one two');
    expect(doc.scratch()).toBe(true);
    expect(doc.text).toBe('Keep, one');
    expect(doc.scratch()).toBe(true);
    expect(doc.text).toBe('Keep  ');
    expect(doc.scratch()).toBe(false);
  });

  it('does nothing once the person typed after the phrase or moved the caret away', () => {
    const typed = new Doc('A.');
    typed.dictate('B.');
    typed.type(' mine');
    expect(typed.scratch()).toBe(false);
    expect(typed.text).toBe('A. B. mine');

    const moved = new Doc('A.');
    moved.dictate('B.');
    moved.click(caret(0));
    expect(moved.scratch()).toBe(false);
    expect(moved.text).toBe('A. B.');
  });

  it('does nothing when the person edited inside the phrase', () => {
    const doc = new Doc('');
    doc.dictate('Hello world.');
    doc.click(caret(5));
    doc.type('!');
    doc.click(caret(doc.text.length));
    // The point is back after the phrase, but the phrase is no longer what was dictated.
    expect(doc.scratch()).toBe(false);
    expect(doc.text).toBe('Hello! world.');
  });
});

/** Text a person might type or a model might say: words, spaces, punctuation and line breaks. */
const pieceText = fc
  .array(fc.constantFrom('a', 'B', 'the', 'I', ' ', '  ', '.', ',', '?', '"', '\n', 'Sarah', 'x1'), { maxLength: 6 })
  .map((parts) => parts.join(''));

type Step =
  | { kind: 'type'; text: string }
  | { kind: 'dictate'; text: string }
  | { kind: 'click'; at: number; length: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('type' as const), text: pieceText.filter((t) => t.length > 0) }),
  fc.record({ kind: fc.constant('dictate' as const), text: pieceText }),
  fc.record({ kind: fc.constant('click' as const), at: fc.nat(60), length: fc.nat(4) }),
);

describe('properties', () => {
  it('inserting at a caret, then undoing, restores the text exactly', () => {
    fc.assert(
      fc.property(pieceText, fc.nat(), fc.nat(3), pieceText, (text, at, length, phrase) => {
        const from = at % (text.length + 1);
        const point = { from, to: Math.min(text.length, from + length) };
        const change = planDictation(text, point, phrase);
        if (!change) return;
        const after = applyChange(text, change);
        expect(applyChange(after, invertChange(text, change))).toBe(text);
        // Only the selection and spaces right before the point are replaced.
        expect(text.slice(change.from, point.from)).toMatch(/^[^\S\r\n]*$/u);
        expect(after.slice(0, change.from)).toBe(text.slice(0, change.from));
        expect(after.slice(change.from + change.insert.length)).toBe(text.slice(point.to));
      }),
    );
  });

  it('typed text is never altered by dictation: each run of keystrokes stays contiguous', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const doc = new Doc('');
        // Typed runs, each ending with a unique marker (no other step writes digits 7–9 or "#").
        let run = 0;
        const typed: string[] = [];
        for (const s of steps) {
          if (s.kind === 'click') {
            const from = Math.min(s.at, doc.text.length);
            // Clicks land outside earlier typed runs, so a run can only be split by dictation.
            if (typed.some((t) => inside(doc.text, t, from))) continue;
            doc.click(caret(from));
            continue;
          }
          if (s.kind === 'dictate') {
            doc.dictate(s.text);
            continue;
          }
          const marked = `#${run++}${s.text.replace(/\s/gu, '_')}9`;
          doc.type(marked);
          typed.push(marked);
        }
        for (const t of typed) expect(doc.text).toContain(t);
      }),
    );
  });

  it('dictated phrases keep their spoken order however the person types between them', () => {
    fc.assert(
      fc.property(fc.array(pieceText, { maxLength: 6 }), fc.array(fc.nat(3), { maxLength: 6 }), (typing, phrasesAt) => {
        const doc = new Doc('');
        const starts: number[] = [];
        for (let i = 0; i < phrasesAt.length; i++) {
          if (typing[i]) doc.type(typing[i] as string);
          const change = doc.dictate(`W${i}`);
          if (change) starts.push(i);
        }
        const positions = starts.map((i) => doc.text.search(new RegExp(`w${i}(?!\\d)`, 'iu')));
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      }),
    );
  });

  it('scratching every phrase right after dictating them restores the text', () => {
    fc.assert(
      fc.property(pieceText, fc.nat(), fc.array(pieceText, { maxLength: 5 }), (text, at, phrases) => {
        const doc = new Doc(text, at % (text.length + 1));
        let inserted = 0;
        for (const phrase of phrases) if (doc.dictate(phrase)) inserted++;
        for (let i = 0; i < inserted; i++) expect(doc.scratch()).toBe(true);
        expect(doc.text).toBe(text);
        expect(doc.scratch()).toBe(false);
      }),
    );
  });
});

/** Is `at` strictly inside the run `marked` of `text`? */
function inside(text: string, marked: string, at: number): boolean {
  const start = text.indexOf(marked);
  return start >= 0 && at > start && at < start + marked.length;
}
