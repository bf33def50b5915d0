import { ShortcutGesture, shortcutAction } from '../engine/shortcut';
import type { DictationController } from './controller';
import { phase } from './state';

/**
 * Alt+Shift+D starts and stops dictation from anywhere on the page (held, it
 * is push-to-talk), Escape stops it. Focus and the caret stay where they are,
 * so the person can keep typing in the transcript between phrases.
 */
export function installDictationShortcut(controller: DictationController): () => void {
  const gesture = new ShortcutGesture();
  // Capture phase, on the window: it runs before any field sees the keys, and the
  // character Alt+Shift+D would type (Option+Shift+D is "Î" on a Mac) never reaches the text.
  const onShortcut = (event: KeyboardEvent) => {
    if (shortcutAction(event) !== 'toggle') return;
    event.preventDefault();
    event.stopPropagation();
    gesture.press(event.timeStamp, phase.value === 'ready');
    void controller.toggle();
  };
  // Whatever the modifiers are by now: people let go of Alt and Shift in any order.
  const onRelease = (event: KeyboardEvent) => {
    if (event.code === 'KeyD' && gesture.release(event.timeStamp)) stopOnceStarted(controller);
  };
  // Bubble phase: Escape that something on the page already used (closing a menu) is not a stop.
  const onEscape = (event: KeyboardEvent) => {
    if (event.defaultPrevented || shortcutAction(event) !== 'stop' || phase.value !== 'listening') return;
    event.preventDefault();
    void controller.stop();
  };
  addEventListener('keydown', onShortcut, { capture: true });
  addEventListener('keydown', onEscape);
  addEventListener('keyup', onRelease, { capture: true });
  return () => {
    removeEventListener('keyup', onRelease, { capture: true });
    removeEventListener('keydown', onShortcut, { capture: true });
    removeEventListener('keydown', onEscape);
  };
}

/** Push-to-talk let go while the microphone was still opening: stop as soon as it is open. */
function stopOnceStarted(controller: DictationController): void {
  // subscribe() calls back at once with the current value.
  const unsubscribe = phase.subscribe((value) => {
    if (value === 'starting') return;
    queueMicrotask(() => unsubscribe());
    void controller.stop();
  });
}
