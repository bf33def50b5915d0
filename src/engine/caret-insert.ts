/**
 * Where dictated text goes, and what it may take back: the insertion model of
 * the transcript editor.
 *
 * - A phrase goes to the dictation point: the caret, or the selection it
 *   replaces, like typing. The point is set from the person's caret when
 *   dictation starts and whenever they move the caret (click, arrow keys).
 * - Typing does not move the point to the caret; it maps the point like any
 *   other edit. Text typed at the point pushes it forward, so dictation goes
 *   on after what was typed there, and text typed elsewhere leaves it where it
 *   was. Finals never move the person's caret while they are typing, so their
 *   keystrokes stay together and dictated phrases keep their spoken order.
 * - The person's caret is carried along with a phrase only while it sits on
 *   the point and they have not typed since: dictating without touching the
 *   keyboard reads like typing.
 * - "scratch that" removes the last dictated phrase only while it is intact
 *   and the point is still right after it, and puts back what the phrase
 *   replaced; the person's own text is never removed.
 *
 * Joining (spacing, the case of the first word) follows `text-join.ts`,
 * relative to the text before the point and after it.
 *
 * Pure; no DOM. The editor maps positions with its own change sets through
 * the {@link MapPos} functions here; {@link mapThroughChange} is the same for
 * one plain change.
 */
import { joinAt } from './text-join';

/** A stretch of the document; a caret when `from === to`. */
export interface TextRange {
  from: number;
  to: number;
}

/** One replacement: `doc.slice(from, to)` becomes `insert`. */
export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

/** A phrase that dictation put into the document, for "scratch that". */
export interface DictatedPhrase {
  /** Where the phrase is now. */
  from: number;
  to: number;
  /** The phrase as inserted, spacing included. */
  text: string;
  /** What it replaced (spaces before attaching punctuation, or a selection). */
  replaced: string;
  /**
   * Its trailing spaces that the next phrase removed (to attach punctuation):
   * they are back right after it once that phrase is scratched.
   */
  lent: string;
}

export interface DictationState {
  /** Where the next phrase goes: a caret, or a selection it replaces. */
  point: TextRange;
  /** The person typed since the point was last set from their caret. */
  typed: boolean;
  /** Dictated phrases, newest last. */
  phrases: readonly DictatedPhrase[];
}

/** Maps a position through an edit; `assoc` says which side of an insertion at that spot it stays on. */
export type MapPos = (pos: number, assoc: -1 | 1) => number;

/** "scratch that" can take back this many phrases in a row. */
const KEPT_PHRASES = 100;

export function initialDictation(caret: TextRange): DictationState {
  return { point: { ...caret }, typed: false, phrases: [] };
}

/** The person moved their caret (or dictation starts): the next phrase goes there. */
export function followCaret(state: DictationState, caret: TextRange): DictationState {
  return { ...state, point: { from: caret.from, to: caret.to }, typed: false };
}

/**
 * The document changed by something other than a dictated phrase: the point
 * and phrases move with it. Text inserted at the point pushes the point on;
 * a phrase never grows to cover text inserted at its edges.
 */
export function mapDictation(state: DictationState, map: MapPos, typed: boolean): DictationState {
  const from = map(state.point.from, 1);
  const to = Math.max(from, map(state.point.to, state.point.from === state.point.to ? 1 : -1));
  const phrases: DictatedPhrase[] = [];
  for (const phrase of state.phrases) {
    const start = map(phrase.from, 1);
    const end = map(phrase.to, -1);
    if (end > start) phrases.push({ ...phrase, from: start, to: end });
  }
  return { point: { from, to }, typed: state.typed || typed, phrases };
}

/** The change that puts `phrase` at the point, joined to the text around it; null when there is nothing to insert. */
export function planDictation(doc: string, point: TextRange, phrase: string): TextChange | null {
  const join = joinAt(doc.slice(0, point.from), phrase, doc.slice(point.to));
  if (join.insert === '') return null;
  return { from: point.from - join.deleteBefore, to: point.to, insert: join.insert };
}

export interface Dictated {
  change: TextChange;
  state: DictationState;
  /** Whether the person's caret goes along to the end of the phrase (it sat on the point and they were not typing). */
  carryCaret: boolean;
}

/**
 * Inserts one dictated phrase at the point. `caret` is the person's
 * selection now.
 */
export function dictate(doc: string, state: DictationState, phrase: string, caret: TextRange): Dictated | null {
  const markAt = replaceableMark(doc, state, phrase);
  const change = planDictation(doc, markAt === null ? state.point : { from: markAt, to: state.point.to }, phrase);
  if (!change) return null;
  const end = change.from + change.insert.length;
  const inserted: DictatedPhrase = {
    from: change.from,
    to: end,
    text: change.insert,
    replaced: doc.slice(change.from, change.to),
    lent: '',
  };
  // A phrase whose trailing spaces this one removes lends them: they come back when this one is scratched.
  const lending = state.phrases.map((p) => {
    if (change.from >= p.to || change.from < p.from || change.to < p.to) return p;
    const kept = change.from - p.from;
    return { ...p, to: change.from, text: p.text.slice(0, kept), lent: p.text.slice(kept) + p.lent };
  });
  // Earlier phrases move with the insertion; one that ends at the point does not grow to cover it.
  const moved = mapDictation(
    { ...state, phrases: lending },
    (pos, assoc) => mapThroughChange(pos, change, assoc),
    false,
  );
  const carryCaret = !state.typed && caret.from === state.point.from && caret.to === state.point.to;
  return {
    change,
    carryCaret,
    state: {
      point: { from: end, to: end },
      typed: state.typed,
      phrases: [...moved.phrases, inserted].slice(-KEPT_PHRASES),
    },
  };
}

/** A phrase starting with one of these marks (a mark said after a pause: "comma"). */
const LEADING_MARK = /^[^\S\r\n]*[,.;:!?]/u;
/** A single mark at the end of a phrase, not part of an ellipsis or "?!". */
const SINGLE_FINAL_MARK = /(?<![.,;:!?])[,.;:!?][^\S\r\n]*$/u;

/**
 * Moonshine ends every segment as a sentence, so a mark said after a pause
 * arrives after the one the model wrote: "Yes." then "," would read "Yes.,".
 * The spoken mark replaces the model's, but only the final mark of the
 * newest dictated phrase with the point still right after it: never the
 * person's own text. The replaced mark is lent like spaces are, so "scratch
 * that" puts it back. Returns where the replaced range starts, or null.
 */
function replaceableMark(doc: string, state: DictationState, phrase: string): number | null {
  if (!LEADING_MARK.test(phrase)) return null;
  const last = newestAtPoint(doc, state, false);
  if (!last) return null;
  const mark = SINGLE_FINAL_MARK.exec(last.text);
  // The phrase must keep some words of its own: a mark alone is not replaced by the next mark.
  if (!mark || !/[\p{L}\p{N}]/u.test(last.text.slice(0, mark.index))) return null;
  return last.from + mark.index;
}

/**
 * The newest dictated phrase, if it is still in the document as dictated and
 * the point is a caret right after it: the only phrase dictation may change.
 * With `withLent`, the phrase counts with what it lent to a later phrase (put
 * back when that one was scratched): that must follow it, and the point comes
 * after it; without, the point must be right after the phrase's own text.
 */
function newestAtPoint(doc: string, state: DictationState, withLent: boolean): DictatedPhrase | null {
  const last = state.phrases.at(-1);
  if (!last) return null;
  const tail = withLent ? last.lent : '';
  const end = last.to + tail.length;
  const atPoint = state.point.from === end && state.point.to === end;
  return atPoint && doc.slice(last.from, end) === last.text + tail ? last : null;
}

export interface Scratched {
  change: TextChange;
  state: DictationState;
}

/**
 * "scratch that": removes the newest dictated phrase if it is still intact
 * and the point is right after it; otherwise nothing, and older phrases are
 * forgotten too (the person has moved on from them).
 */
export function scratch(doc: string, state: DictationState): Scratched | null {
  const last = newestAtPoint(doc, state, true);
  if (!last) return null;
  const end = last.to + last.lent.length;
  const after = last.from + last.replaced.length;
  return {
    change: { from: last.from, to: end, insert: last.replaced },
    state: { ...state, point: { from: after, to: after }, phrases: state.phrases.slice(0, -1) },
  };
}

/** Forget every phrase: "scratch that" found nothing to take back. */
export function forgetPhrases(state: DictationState): DictationState {
  return { ...state, phrases: [] };
}

export function applyChange(doc: string, change: TextChange): string {
  return doc.slice(0, change.from) + change.insert + doc.slice(change.to);
}

/** The change that undoes `change` on the document it was made to. */
export function invertChange(doc: string, change: TextChange): TextChange {
  return { from: change.from, to: change.from + change.insert.length, insert: doc.slice(change.from, change.to) };
}

/** A position mapped through one change (a position inside a replaced range goes to its edge on the `assoc` side). */
export function mapThroughChange(pos: number, change: TextChange, assoc: -1 | 1): number {
  const delta = change.insert.length - (change.to - change.from);
  if (pos < change.from) return pos;
  if (pos > change.to) return pos + delta;
  if (change.from === change.to) return assoc < 0 ? pos : pos + change.insert.length;
  if (pos === change.from && pos < change.to) return pos;
  if (pos === change.to && pos > change.from) return pos + delta;
  return assoc < 0 ? change.from : change.from + change.insert.length;
}
