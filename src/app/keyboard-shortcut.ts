import { shortcutAction } from '../engine/shortcut';
import type { DictationController } from './controller';
import { phase } from './state';

/**
 * Alt+Shift+D starts and stops dictation from anywhere on the page, Escape
 * stops it. Focus and the caret stay where they are, so the person can keep
 * typing in the transcript between phrases.
 */
export function installDictationShortcut(controller: DictationController): () => void {
  // Capture phase, on the window: it runs before any field sees the keys, and the
  // character Alt+Shift+D would type (Option+Shift+D is "Î" on a Mac) never reaches the text.
  const onShortcut = (event: KeyboardEvent) => {
    if (shortcutAction(event) !== 'toggle') return;
    event.preventDefault();
    event.stopPropagation();
    void controller.toggle();
  };
  // Bubble phase: Escape that something on the page already used (closing a menu) is not a stop.
  const onEscape = (event: KeyboardEvent) => {
    if (event.defaultPrevented || shortcutAction(event) !== 'stop' || phase.value !== 'listening') return;
    event.preventDefault();
    void controller.stop();
  };
  addEventListener('keydown', onShortcut, { capture: true });
  addEventListener('keydown', onEscape);
  return () => {
    removeEventListener('keydown', onShortcut, { capture: true });
    removeEventListener('keydown', onEscape);
  };
}
