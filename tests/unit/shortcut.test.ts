import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KeyPress, PUSH_TO_TALK_MS, ShortcutGesture, shortcutAction } from '../../src/engine/shortcut';

const NONE = { altKey: false, shiftKey: false, ctrlKey: false, metaKey: false, repeat: false };

function press(fields: Partial<KeyPress>): KeyPress {
  return { code: '', key: '', ...NONE, ...fields };
}

describe('shortcutAction', () => {
  it('toggles on Alt+Shift+D whatever character the layout makes of it', () => {
    // US, macOS Option (Î), a German AltGr-ish layout, a Cyrillic layout (В) all press the same physical key.
    for (const key of ['D', 'd', 'Î', '∂', 'В', 'Dead']) {
      expect(shortcutAction(press({ code: 'KeyD', key, altKey: true, shiftKey: true })), key).toBe('toggle');
    }
  });

  it('ignores auto-repeat, so holding the keys toggles once', () => {
    expect(shortcutAction(press({ code: 'KeyD', key: 'D', altKey: true, shiftKey: true, repeat: true }))).toBeNull();
  });

  it('leaves other combinations on D to the page and the browser', () => {
    const cases: Partial<KeyPress>[] = [
      { code: 'KeyD', key: 'd' },
      { code: 'KeyD', key: 'D', shiftKey: true },
      { code: 'KeyD', key: 'd', altKey: true },
      { code: 'KeyD', key: 'D', altKey: true, shiftKey: true, ctrlKey: true },
      { code: 'KeyD', key: 'D', altKey: true, shiftKey: true, metaKey: true },
      // A layout that puts "D" elsewhere: the physical key decides, as documented.
      { code: 'KeyE', key: 'D', altKey: true, shiftKey: true },
    ];
    for (const fields of cases) expect(shortcutAction(press(fields)), JSON.stringify(fields)).toBeNull();
  });

  it('stops on a plain Escape only', () => {
    expect(shortcutAction(press({ code: 'Escape', key: 'Escape' }))).toBe('stop');
    expect(shortcutAction(press({ code: 'Escape', key: 'Escape', repeat: true }))).toBe('stop');
    expect(shortcutAction(press({ code: 'Escape', key: 'Escape', shiftKey: true }))).toBeNull();
    expect(shortcutAction(press({ code: 'Escape', key: 'Escape', ctrlKey: true }))).toBeNull();
  });

  it('does nothing for any other key, with any modifiers', () => {
    fc.assert(
      fc.property(
        fc.string().filter((code) => code !== 'KeyD'),
        fc.string().filter((key) => key !== 'Escape'),
        fc.record({
          altKey: fc.boolean(),
          shiftKey: fc.boolean(),
          ctrlKey: fc.boolean(),
          metaKey: fc.boolean(),
          repeat: fc.boolean(),
        }),
        (code, key, modifiers) => shortcutAction({ code, key, ...modifiers }) === null,
      ),
    );
  });
});

describe('ShortcutGesture', () => {
  it('a tap toggles: releasing it stops nothing', () => {
    const gesture = new ShortcutGesture();
    gesture.press(1000, true);
    expect(gesture.release(1100)).toBe(false);
  });

  it('holding the press that started dictation is push-to-talk: releasing it stops', () => {
    const gesture = new ShortcutGesture();
    gesture.press(1000, true);
    expect(gesture.release(1000 + PUSH_TO_TALK_MS)).toBe(true);
    // Only once: a stray keyup later does nothing.
    expect(gesture.release(5000)).toBe(false);
  });

  it('a press that stopped dictation never stops again on release, however long it was held', () => {
    const gesture = new ShortcutGesture();
    gesture.press(1000, false);
    expect(gesture.release(9000)).toBe(false);
  });

  it('a keyup without a press (focus came from elsewhere with the keys down) does nothing', () => {
    expect(new ShortcutGesture().release(1000)).toBe(false);
  });

  it('stops on release exactly when a starting press was held long enough', () => {
    fc.assert(
      fc.property(fc.nat(1e9), fc.nat(10_000), fc.boolean(), (at, held, starting) => {
        const gesture = new ShortcutGesture();
        gesture.press(at, starting);
        return gesture.release(at + held) === (starting && held >= PUSH_TO_TALK_MS);
      }),
    );
  });
});
