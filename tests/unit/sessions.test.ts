import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredSession } from '../../src/app/sessions-store';

/**
 * Storage as IndexedDB behaves for us: each write takes effect in the order
 * it was asked for (a structured clone, at that moment) and reports back
 * later, after a few milliseconds.
 */
const disk = vi.hoisted(() => ({
  sessions: new Map<string, StoredSession>(),
  prefs: new Map<string, unknown>(),
  log: [] as string[],
}));

vi.mock('../../src/app/sessions-store', () => {
  const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 5));
  return {
    saveSession: (session: StoredSession) => {
      disk.sessions.set(session.id, structuredClone(session));
      disk.log.push(`put ${session.id}`);
      return later(undefined);
    },
    deleteSession: (id: string) => {
      disk.sessions.delete(id);
      disk.log.push(`delete ${id}`);
      return later(undefined);
    },
    loadSession: (id: string) => later(structuredClone(disk.sessions.get(id))),
    listSessions: () => later([...disk.sessions.values()].reverse()),
    readPref: (key: string) => later(disk.prefs.get(key)),
    writePref: (key: string, value: unknown) => {
      disk.prefs.set(key, value);
      return later(undefined);
    },
  };
});

type Sessions = typeof import('../../src/app/sessions');
type State = typeof import('../../src/app/state');

/** A fresh page: new module instances (signals, queue) over the same disk. */
async function loadPage(): Promise<{ sessions: Sessions; state: State }> {
  vi.resetModules();
  const state = await import('../../src/app/state');
  const sessions = await import('../../src/app/sessions');
  return { sessions, state };
}

/** What a reload shows: the stored session the page restores. */
async function reload(): Promise<{ text: string; title: string } | null> {
  const { sessions, state } = await loadPage();
  const restoring = sessions.restoreLastSession();
  await vi.runAllTimersAsync();
  await restoring;
  const shown = sessions.currentSession.value;
  return shown ? { text: state.transcript.value, title: shown.title } : null;
}

function visible(sessions: Sessions, state: State): { text: string; title: string } | null {
  const shown = sessions.currentSession.value;
  return shown ? { text: state.transcript.value, title: shown.title } : null;
}

const segment = { startMs: 0, endMs: 1000 };

beforeEach(() => {
  vi.useFakeTimers();
  disk.sessions.clear();
  disk.prefs.clear();
  disk.log.length = 0;
});

afterEach(() => {
  vi.useRealTimers();
});

describe('sessions: what is saved is what is shown', () => {
  it('a sentence committed while a typed edit waits to be saved stays saved', async () => {
    const { sessions, state } = await loadPage();
    sessions.commitSegment('First sentence.', segment);
    sessions.editText(`${state.transcript.value} typed`);
    // The next final arrives inside the edit's 300 ms pause.
    sessions.commitSegment('Second sentence.', segment);
    await vi.advanceTimersByTimeAsync(1000);
    const shown = visible(sessions, state);
    // The sentence continues the typed word, so the model's capital goes (text-join.ts).
    expect(shown?.text).toBe('First sentence. typed second sentence.');
    expect(await reload()).toEqual(shown);
  });

  it('a rename right after typing is not undone by the delayed save of the typing', async () => {
    const { sessions, state } = await loadPage();
    sessions.commitSegment('Hello there.', segment);
    sessions.editText('Hello there. More');
    const id = sessions.currentSession.value?.id ?? '';
    const renamed = sessions.renameSession(id, 'Meeting notes');
    await vi.advanceTimersByTimeAsync(1000);
    await renamed;
    expect(await reload()).toEqual({ text: 'Hello there. More', title: 'Meeting notes' });
    expect(visible(sessions, state)).toEqual({ text: 'Hello there. More', title: 'Meeting notes' });
  });

  it('a deleted session is not brought back by a pending edit', async () => {
    const { sessions } = await loadPage();
    sessions.commitSegment('Delete me.', segment);
    const id = sessions.currentSession.value?.id ?? '';
    sessions.editText('Delete me. Typed');
    const removed = sessions.removeSession(id);
    await vi.advanceTimersByTimeAsync(1000);
    await removed;
    expect(disk.sessions.has(id)).toBe(false);
    expect(disk.log.at(-1)).toBe(`delete ${id}`);
  });

  it('flushing (page hide) starts the pending write at once, before any timer runs', async () => {
    const { sessions } = await loadPage();
    sessions.editText('typed just before the tab closed');
    const id = sessions.currentSession.value?.id ?? '';
    void sessions.flushEdits();
    // No timers advanced: the write was issued synchronously.
    expect(disk.sessions.get(id)?.text).toBe('typed just before the tab closed');
  });

  it('typing before storage answers is not replaced by the previous session', async () => {
    const { sessions } = await loadPage();
    sessions.commitSegment('Old page.', segment);
    await vi.advanceTimersByTimeAsync(100);
    const next = await loadPage();
    const restoring = next.sessions.restoreLastSession();
    next.sessions.editText('typed at once');
    await vi.runAllTimersAsync();
    await restoring;
    expect(visible(next.sessions, next.state)?.text).toBe('typed at once');
  });

  type Action =
    | { kind: 'commit'; words: string }
    | { kind: 'type'; words: string }
    | { kind: 'rename'; title: string }
    | { kind: 'wait'; ms: number }
    | { kind: 'new' }
    | { kind: 'delete' };

  const word = fc.constantFrom('alpha', 'beta', 'gamma', 'delta.', 'Hello,', 'world');
  const words = fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
  const action: fc.Arbitrary<Action> = fc.oneof(
    { weight: 4, arbitrary: words.map((w) => ({ kind: 'commit' as const, words: w })) },
    { weight: 4, arbitrary: words.map((w) => ({ kind: 'type' as const, words: w })) },
    { weight: 2, arbitrary: words.map((w) => ({ kind: 'rename' as const, title: w })) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 700 }).map((ms) => ({ kind: 'wait' as const, ms })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'new' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
  );

  it('after any mix of dictation, typing, renaming, deleting and waiting, a reload shows what was shown', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 25 }), fc.boolean(), async (actions, closeAtOnce) => {
        disk.sessions.clear();
        disk.prefs.clear();
        const { sessions, state } = await loadPage();
        const deleted = new Set<string>();
        for (const a of actions) {
          const id = sessions.currentSession.value?.id;
          if (a.kind === 'commit') sessions.commitSegment(a.words, segment);
          else if (a.kind === 'type') sessions.editText(`${state.transcript.value} ${a.words}`.trim());
          else if (a.kind === 'rename' && id) void sessions.renameSession(id, a.title);
          else if (a.kind === 'wait') await vi.advanceTimersByTimeAsync(a.ms);
          else if (a.kind === 'new') sessions.startNewSession();
          else if (a.kind === 'delete' && id) {
            deleted.add(id);
            void sessions.removeSession(id);
          }
        }
        const shown = visible(sessions, state);
        const shownId = sessions.currentSession.value?.id;
        // Either the page is closed right away (pagehide flushes) or everything settles first.
        if (closeAtOnce) void sessions.flushEdits();
        else await vi.runAllTimersAsync();
        for (const id of deleted) expect(disk.sessions.has(id)).toBe(false);
        if (shown && shownId && shown.text) {
          expect(await reload()).toEqual(shown);
        }
      }),
      { numRuns: 200 },
    );
  });
});
