/**
 * The transcript editor: CodeMirror 6 as plain text, so dictated phrases go
 * in at the caret as transactions that map the person's selection, typing and
 * dictation share one undo history (one dictated phrase per step), and the
 * live partial is a greyed widget at the dictation point: shown, never part
 * of the text, never copied, never saved.
 *
 * Where phrases go and what "scratch that" may take back is decided by the
 * pure model in `engine/caret-insert.ts`, as CodeMirror state in
 * `dictation-editing.ts`; this file is the view and its ties to the app's
 * signals.
 */
import { defaultKeymap, history, historyKeymap, undo } from '@codemirror/commands';
import { EditorSelection, EditorState } from '@codemirror/state';
import { Decoration, EditorView, keymap, placeholder, WidgetType } from '@codemirror/view';
import { effect } from '@preact/signals';
import { setDictationTarget } from '../app/dictation-target';
import { editText } from '../app/sessions';
import { liveText, transcript } from '../app/state';
import { planDictation } from '../engine/caret-insert';
import {
  beginDictation,
  byPerson,
  dictationField,
  insertDictated,
  partialField,
  scratchDictated,
  setPartial,
} from './dictation-editing';

class PartialWidget extends WidgetType {
  constructor(readonly text: string) {
    super();
  }
  override eq(other: PartialWidget): boolean {
    return other.text === this.text;
  }
  toDOM(): HTMLElement {
    const span = document.createElement('span');
    span.className = 'cm-partial';
    span.textContent = this.text;
    // Read from the Live text section; inside the textbox it would read as if it were written.
    span.setAttribute('aria-hidden', 'true');
    return span;
  }
  override ignoreEvent(): boolean {
    return false;
  }
}

/** The partial at the dictation point, joined as the final would be ("comma" already a mark, case fitted). */
const partialDecoration = EditorView.decorations.compute([dictationField, partialField], (state) => {
  const text = state.field(partialField);
  if (!text) return Decoration.none;
  const { point } = state.field(dictationField);
  const shown = planDictation(state.doc.toString(), point, text)?.insert ?? '';
  if (!shown) return Decoration.none;
  return Decoration.set([Decoration.widget({ widget: new PartialWidget(shown), side: 1 }).range(point.to)]);
});

/**
 * Sized and framed like the text box it replaced; the live partial grey and
 * italic. The page's colours reach inside the shadow root as custom properties.
 */
const theme = EditorView.theme({
  '&': {
    minHeight: '14rem',
    maxHeight: '70vh',
    fontSize: '1.05rem',
    border: '1px solid var(--border)',
    borderRadius: '0.5rem',
    background: 'var(--panel)',
    color: 'var(--fg)',
  },
  '.cm-scroller': { fontFamily: 'inherit', lineHeight: '1.5' },
  '.cm-content': { minHeight: '14rem', padding: '0.8rem', caretColor: 'currentColor' },
  '.cm-line': { padding: '0' },
  '.cm-partial': { color: 'var(--muted)', fontStyle: 'italic' },
  '.cm-placeholder': { color: 'var(--muted)' },
});

/** Puts person-made changes into the session (saved shortly after a pause); dictated ones are committed by the controller. */
const saveEdits = EditorView.updateListener.of((update) => {
  if (update.transactions.some((tr) => tr.docChanged && byPerson(tr))) editText(update.state.doc.toString());
});

/**
 * CodeMirror's keys without its Escape (which collapses a selection and so
 * used up the key): Escape stops dictation wherever the caret is
 * (keyboard-shortcut.ts), as it did in the text box this editor replaced.
 */
const EDITING_KEYS = defaultKeymap.filter((binding) => binding.key !== 'Escape');

function createState(text: string): EditorState {
  return EditorState.create({
    doc: text,
    // A session opens with the caret at its end: that is where dictation continues.
    selection: EditorSelection.cursor(text.length),
    extensions: [
      history(),
      keymap.of([...historyKeymap, ...EDITING_KEYS]),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': 'Transcript', spellcheck: 'true', autocapitalize: 'sentences' }),
      placeholder('Your words appear here.'),
      dictationField,
      partialField,
      partialDecoration,
      saveEdits,
      theme,
    ],
  });
}

/** Mounts the editor in `parent`; returns a function that unmounts it. */
export function mountTranscriptEditor(parent: HTMLElement): () => void {
  // In a shadow root, CodeMirror's styles go into a constructed style sheet: the <style> element it
  // would add to the page is an inline style that the Content-Security-Policy (default-src 'self') blocks.
  const root = parent.shadowRoot ?? parent.attachShadow({ mode: 'open' });
  const view = new EditorView({ parent: root, root, state: createState(transcript.peek()) });

  setDictationTarget({
    begin: () => view.dispatch(beginDictation(view.state)),
    insert(phrase) {
      const spec = insertDictated(view.state, phrase);
      if (!spec) return null;
      // A caret carried along stays in view: scrolled to by the editor while the person is in it; otherwise
      // only the transcript box follows the newest words, never the page the person may be reading.
      const carried = spec.selection !== undefined;
      view.dispatch({ ...spec, scrollIntoView: carried && view.hasFocus });
      if (carried && !view.hasFocus && view.state.selection.main.head === view.state.doc.length) {
        const scroller = view.scrollDOM;
        view.requestMeasure({ read: () => scroller.scrollHeight, write: (height) => (scroller.scrollTop = height) });
      }
      return view.state.doc.toString();
    },
    scratch() {
      const { spec, scratched } = scratchDictated(view.state);
      view.dispatch(spec);
      return scratched ? view.state.doc.toString() : null;
    },
    // As Ctrl+Z: the history step is the person's change, so saveEdits saves it.
    undo: () => undo(view),
  });

  // Another session, a restored one, a finished file: the text changed outside the editor. A fresh state (and history).
  const stopSync = effect(() => {
    const text = transcript.value;
    if (text === view.state.doc.toString()) return;
    view.setState(createState(text));
    view.dispatch({ effects: setPartial.of(liveText.peek()) });
  });
  // A partial updates one widget, never the whole view.
  const stopPartial = effect(() => {
    const text = liveText.value;
    if (text !== view.state.field(partialField)) view.dispatch({ effects: setPartial.of(text) });
  });

  return () => {
    stopSync();
    stopPartial();
    setDictationTarget(null);
    view.destroy();
  };
}
