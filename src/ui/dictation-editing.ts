/**
 * Dictation as CodeMirror state, without a view: where the next phrase goes
 * (a state field mapped through every change), the live partial's text, and
 * the transactions that insert or scratch a phrase. Each dictated phrase is
 * its own undo step (`isolateHistory`), told apart from typing by its user
 * event; the person's selection is mapped through it, never moved, unless
 * their caret was waiting at the dictation point.
 *
 * The decisions are the pure model's (`engine/caret-insert.ts`).
 */
import { isolateHistory } from '@codemirror/commands';
import {
  EditorSelection,
  type EditorState,
  StateEffect,
  StateField,
  Transaction,
  type TransactionSpec,
} from '@codemirror/state';
import {
  type DictationState,
  dictate,
  followCaret,
  forgetPhrases,
  initialDictation,
  mapDictation,
  scratch,
  type TextRange,
} from '../engine/caret-insert';

/** Replaces the dictation state (a phrase was inserted or scratched, or dictation starts). */
const setDictation = StateEffect.define<DictationState>();
/** The live partial's text ('' for none). */
export const setPartial = StateEffect.define<string>();
/** The user event of dictated changes. */
const DICTATED_EVENT = 'dictate';

function mainRange(state: EditorState): TextRange {
  const { from, to } = state.selection.main;
  return { from, to };
}

/** A change the person made (typing, deleting, pasting, undo): not dictation, not a new session. */
export function byPerson(tr: Transaction): boolean {
  const event = tr.annotation(Transaction.userEvent);
  return event !== undefined && event !== DICTATED_EVENT;
}

export const dictationField = StateField.define<DictationState>({
  create: (state) => initialDictation(mainRange(state)),
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setDictation)) return e.value;
    if (tr.docChanged) return mapDictation(value, (pos, assoc) => tr.changes.mapPos(pos, assoc), byPerson(tr));
    // A click, arrow key or selection moves where dictation goes; typing does not (see caret-insert.ts).
    if (tr.selection && tr.isUserEvent('select')) return followCaret(value, mainRange(tr.state));
    return value;
  },
});

export const partialField = StateField.define<string>({
  create: () => '',
  update(value, tr) {
    let next = value;
    for (const e of tr.effects) if (e.is(setPartial)) next = e.value;
    return next;
  },
});

/** Dictation starts: the next phrase goes to the person's caret, or replaces their selection. */
export function beginDictation(state: EditorState): TransactionSpec {
  return { effects: setDictation.of(followCaret(state.field(dictationField), mainRange(state))) };
}

/** Puts a final phrase at the dictation point; null when there is nothing to insert. */
export function insertDictated(state: EditorState, phrase: string): TransactionSpec | null {
  const done = dictate(state.doc.toString(), state.field(dictationField), phrase, mainRange(state));
  if (!done) return null;
  const end = done.change.from + done.change.insert.length;
  return {
    changes: done.change,
    // Without a selection here CodeMirror maps the person's: a caret at the point stays before the phrase.
    selection: done.carryCaret ? EditorSelection.cursor(end) : undefined,
    effects: setDictation.of(done.state),
    annotations: [isolateHistory.of('full'), Transaction.userEvent.of(DICTATED_EVENT)],
  };
}

/** "scratch that": takes back the last dictated phrase while the point is right after it; otherwise forgets them all. */
export function scratchDictated(state: EditorState): { spec: TransactionSpec; scratched: boolean } {
  const dictation = state.field(dictationField);
  const done = scratch(state.doc.toString(), dictation);
  if (!done) return { spec: { effects: setDictation.of(forgetPhrases(dictation)) }, scratched: false };
  const caret = mainRange(state);
  const carry = caret.from === caret.to && caret.to === done.change.to;
  return {
    scratched: true,
    spec: {
      changes: done.change,
      selection: carry ? EditorSelection.cursor(done.state.point.to) : undefined,
      effects: setDictation.of(done.state),
      annotations: [isolateHistory.of('full'), Transaction.userEvent.of(DICTATED_EVENT)],
    },
  };
}
