import { signal } from '@preact/signals';

/**
 * What screen readers are told, apart from the status line: each committed
 * phrase once, when it is committed (never the partials that led to it), and
 * that the transcript was copied.
 */

export interface Announcement {
  /** A new id for every announcement, so the same words said twice are announced twice. */
  id: number;
  text: string;
}

/** Enough to be read out when finals come quickly; older ones leave the (hidden) log. */
const KEPT_PHRASES = 3;
/** How long "Copied ✓" stays on the Copy button: long enough to see after stopping with the shortcut. */
const COPIED_MS = 4000;

let nextId = 1;

/** The newest committed phrases, newest last. */
export const committedPhrases = signal<readonly Announcement[]>([]);

export function announceCommitted(text: string): void {
  committedPhrases.value = [...committedPhrases.value, { id: nextId++, text }].slice(-KEPT_PHRASES);
}

/** Set for a moment after the transcript was put on the clipboard (by Copy, or on stop). */
export const copyConfirmation = signal<Announcement | null>(null);

export function confirmCopied(): void {
  const shown = { id: nextId++, text: 'Transcript copied to the clipboard' };
  copyConfirmation.value = shown;
  setTimeout(() => {
    if (copyConfirmation.value === shown) copyConfirmation.value = null;
  }, COPIED_MS);
}
