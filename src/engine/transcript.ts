/**
 * Text assembly for committed speech segments.
 *
 * Pure; no DOM. The model (Moonshine) already produces cased, punctuated text
 * per segment, so this only cleans each segment; where segments meet, the
 * spacing and the case of the first word follow `text-join.ts`. Other words
 * inside a segment are never changed.
 */
import { applyJoin, joinAt } from './text-join';

export interface CommittedSegment {
  id: number;
  text: string;
  /** First sample of the segment, in the 16 kHz capture timeline. */
  startSample: number;
  /** One past the last sample of the segment. */
  endSample: number;
}

/** Zero-width characters and BOM, which models and pastes sometimes emit. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

/** Something worth keeping contains at least one letter or digit. */
const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Clean one model output: trim, collapse internal whitespace, drop empty,
 * whitespace-only and pure-noise outputs ("", ".", "...", "-"), keeping the
 * model's casing and punctuation. Returns '' when nothing is worth keeping.
 */
export function cleanSegmentText(raw: string): string {
  const text = raw.replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
  return HAS_WORD.test(text) ? text : '';
}

/**
 * Join segment texts into readable text, with the rules of {@link joinAt}:
 * a single space between segments, none before , . ! ? ; : ' ) (and similar
 * closers); a capital at the start and after . ! ? or a line break, lower case
 * for a common word elsewhere. Empty and whitespace-only segments are skipped.
 */
export function joinSegments(texts: readonly string[]): string {
  let out = '';
  for (const text of texts) out = appendSegment(out, text);
  return out;
}

/**
 * Append a segment text to existing transcript text (which a person may have
 * edited), with the same rules as {@link joinSegments}. Trailing whitespace
 * the person typed (a space, a new line) is respected rather than doubled,
 * except that spaces are dropped before attaching punctuation.
 */
export function appendSegment(existing: string, next: string): string {
  return applyJoin(existing, joinAt(existing, next));
}
