/**
 * The keyboard shortcut for dictation, as a pure decision on a key event's
 * fields (no DOM), so tests can drive it with plain objects.
 *
 * Alt+Shift+D toggles dictation from anywhere on the page. It is matched on
 * the physical key (`code === 'KeyD'`), not on `key`: with Alt held, many
 * layouts turn D into another character (macOS gives "Î", AltGr layouts give
 * others), and `key` would then never be "D". Alt+Shift+D is not taken by
 * Chromium, Firefox, Safari or the common screen readers (NVDA and JAWS use
 * Insert/CapsLock; VoiceOver Control+Option). Ctrl or Meta held as well is a
 * different combination and is left to the browser.
 *
 * Escape, with no modifiers, stops dictation (and does nothing otherwise).
 */

/** How the shortcut is written in `aria-keyshortcuts` and shown to people. */
export const DICTATION_SHORTCUT = 'Alt+Shift+D';

/** The fields of a KeyboardEvent the decision needs. */
export interface KeyPress {
  code: string;
  key: string;
  altKey: boolean;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  /** Auto-repeat while the key is held: one press is one toggle, however long it is held. */
  repeat: boolean;
}

export type ShortcutAction = 'toggle' | 'stop' | null;

export function shortcutAction(press: KeyPress): ShortcutAction {
  const noOtherModifiers = !press.ctrlKey && !press.metaKey;
  if (press.code === 'KeyD' && press.altKey && press.shiftKey && noOtherModifiers) {
    return press.repeat ? null : 'toggle';
  }
  if (press.key === 'Escape' && !press.altKey && !press.shiftKey && noOtherModifiers) return 'stop';
  return null;
}
