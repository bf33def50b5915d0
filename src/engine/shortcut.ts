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
 *
 * Held, the shortcut is push-to-talk: a press that started dictation and was
 * held at least PUSH_TO_TALK_MS stops it on release. A tap (a key press lasts
 * about 100 ms) just toggles.
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

/** Held at least this long, the press that started dictation stops it on release (push-to-talk). */
export const PUSH_TO_TALK_MS = 600;

/** Tells a tap (toggle) from a hold (push-to-talk) across the shortcut's keydown and keyup. */
export class ShortcutGesture {
  /** When the press that started dictation went down; null when no such press is held. */
  private startedAt: number | null = null;

  /** The shortcut went down; `starting` says whether this press starts dictation (rather than stopping it). */
  press(now: number, starting: boolean): void {
    this.startedAt = starting ? now : null;
  }

  /** D went up: true if that ends a push-to-talk hold, so dictation should stop. */
  release(now: number): boolean {
    const startedAt = this.startedAt;
    this.startedAt = null;
    return startedAt !== null && now - startedAt >= PUSH_TO_TALK_MS;
  }
}
