import { history, redo, undo } from '@codemirror/commands';
import { EditorSelection, EditorState, type TransactionSpec } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { beginDictation, dictationField, insertDictated, scratchDictated } from '../../src/ui/dictation-editing';

/** The editor's state without a view: what CodeMirror does with our transactions. */
class Editor {
  state: EditorState;
  constructor(doc: string, caret = doc.length) {
    this.state = EditorState.create({
      doc,
      selection: EditorSelection.cursor(caret),
      extensions: [history({ newGroupDelay: 500 }), dictationField],
    });
  }
  get text(): string {
    return this.state.doc.toString();
  }
  get caret(): number {
    return this.state.selection.main.head;
  }
  apply(spec: TransactionSpec): void {
    this.state = this.state.update(spec).state;
  }
  begin(): void {
    this.apply(beginDictation(this.state));
  }
  dictate(phrase: string): void {
    const spec = insertDictated(this.state, phrase);
    if (spec) this.apply(spec);
  }
  /** Types key by key at the caret, as CodeMirror's input handling does. */
  typeRun(chars: string): void {
    for (const char of chars) {
      const { from, to } = this.state.selection.main;
      this.apply({
        changes: { from, to, insert: char },
        selection: EditorSelection.cursor(from + char.length),
        userEvent: 'input.type',
      });
    }
  }
  click(at: number): void {
    this.apply({ selection: EditorSelection.cursor(at), userEvent: 'select.pointer' });
  }
  undo(): boolean {
    return undo({ state: this.state, dispatch: (tr) => (this.state = tr.state) });
  }
  redo(): boolean {
    return redo({ state: this.state, dispatch: (tr) => (this.state = tr.state) });
  }
}

describe('dictation in the editor state', () => {
  it('inserts at the caret and carries an untouched caret along', () => {
    const editor = new Editor('Hello.');
    editor.begin();
    editor.dictate('How are you?');
    expect(editor.text).toBe('Hello. How are you?');
    expect(editor.caret).toBe(editor.text.length);
  });

  it('never moves the caret of a person typing, and keeps their keystrokes together', () => {
    const editor = new Editor('Old.');
    editor.begin();
    editor.click(0);
    editor.typeRun('Mine ');
    editor.dictate('first');
    editor.typeRun('and more ');
    editor.dictate('second');
    expect(editor.text).toBe('Mine and more first second Old.');
    expect(editor.caret).toBe('Mine and more '.length);
  });

  it('replaces a selection, like typing', () => {
    const editor = new Editor('Send it to Bob today.');
    editor.apply({ selection: EditorSelection.range(11, 14), userEvent: 'select' });
    editor.dictate('Alice');
    expect(editor.text).toBe('Send it to Alice today.');
  });

  it('undoes and redoes one dictated phrase per step, across typing', () => {
    const editor = new Editor('');
    editor.begin();
    editor.dictate('One.');
    editor.dictate('Two.');
    editor.typeRun(' typed');
    editor.dictate('three');
    expect(editor.text).toBe('One. Two. typed three');
    expect(editor.undo()).toBe(true);
    expect(editor.text).toBe('One. Two. typed');
    expect(editor.undo()).toBe(true);
    expect(editor.text).toBe('One. Two.');
    expect(editor.undo()).toBe(true);
    expect(editor.text).toBe('One.');
    expect(editor.undo()).toBe(true);
    expect(editor.text).toBe('');
    for (const expected of ['One.', 'One. Two.', 'One. Two. typed', 'One. Two. typed three']) {
      expect(editor.redo()).toBe(true);
      expect(editor.text).toBe(expected);
    }
  });

  it('after an undone phrase, the next one goes where it was', () => {
    const editor = new Editor('A.');
    editor.begin();
    editor.dictate('B.');
    editor.undo();
    editor.dictate('C.');
    expect(editor.text).toBe('A. C.');
  });

  it('scratches the last phrase only while the caret is right after it, never typed text', () => {
    const editor = new Editor('Keep.');
    editor.begin();
    editor.dictate('Gone.');
    const scratched = scratchDictated(editor.state);
    expect(scratched.scratched).toBe(true);
    editor.apply(scratched.spec);
    expect(editor.text).toBe('Keep.');

    editor.dictate('Said.');
    editor.typeRun(' Typed.');
    const refused = scratchDictated(editor.state);
    expect(refused.scratched).toBe(false);
    editor.apply(refused.spec);
    expect(editor.text).toBe('Keep. Said. Typed.');

    editor.click(editor.text.length);
    editor.dictate('More.');
    editor.click(0);
    expect(scratchDictated(editor.state).scratched).toBe(false);
  });
});
