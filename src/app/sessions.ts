import { signal } from '@preact/signals';
import type { SessionSegment } from '../engine/session-types';
import { appendSegment } from '../engine/transcript';
import { describeError } from './errors';
import { SaveQueue } from './save-queue';
import {
  deleteSession,
  listSessions,
  loadSession,
  readPref,
  type StoredSession,
  saveSession,
  writePref,
} from './sessions-store';
import { notice, transcript } from './state';

/** The session on screen. Its `text` mirrors `transcript`. */
export const currentSession = signal<StoredSession | null>(null);
/** All sessions, newest first (refreshed when the list is opened or changes). */
export const sessionList = signal<StoredSession[]>([]);

function newId(): string {
  return crypto.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * One formatter for every title. Building it loads the locale's data: 18–35 ms
 * measured here, which became a main-thread long task when the first Start
 * created a session. `restoreLastSession` builds it while the models load.
 */
let stampFormat: Intl.DateTimeFormat | null = null;

function formatStamp(when: Date): string {
  stampFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return stampFormat.format(when);
}

export function defaultTitle(source: StoredSession['source'], when = new Date(), fileName?: string): string {
  const stamp = formatStamp(when);
  return source === 'file' && fileName ? `${fileName} (${stamp})` : `Dictation, ${stamp}`;
}

function blankSession(source: StoredSession['source'], title?: string): StoredSession {
  const now = Date.now();
  return {
    id: newId(),
    title: title ?? defaultTitle(source),
    createdAt: now,
    updatedAt: now,
    text: '',
    segments: [],
    source,
  };
}

function reportSaveError(error: unknown): void {
  notice.value =
    error instanceof DOMException && error.name === 'QuotaExceededError'
      ? 'This device is out of storage: new words are on screen but not saved. Export or copy them, then free some space.'
      : `Your text could not be saved on this device: ${describeError(error)}`;
}

/** Every change to a session goes through here, so what is stored is what was last shown. */
const saves = new SaveQueue<StoredSession>({ write: saveSession, remove: deleteSession }, reportSaveError);

/** Typing is saved once the person pauses this long (and at once on page hide, or with the next sentence). */
const EDIT_SAVE_DELAY_MS = 300;

let rememberedCurrentId: string | null = null;

function rememberCurrent(id: string): void {
  if (rememberedCurrentId === id) return;
  rememberedCurrentId = id;
  void writePref('currentSessionId', id).catch(() => {
    rememberedCurrentId = null;
  });
}

/**
 * Saves the session now. Called in the same step that changes what is on
 * screen, so committed words are on disk moments after they appear.
 */
function persist(session: StoredSession): void {
  saves.save(session);
  rememberCurrent(session.id);
}

function show(session: StoredSession): void {
  currentSession.value = session;
  transcript.value = session.text;
}

/** Reopens the session that was on screen last time (after a reload or a closed tab). */
export async function restoreLastSession(): Promise<void> {
  formatStamp(new Date()); // now, while the models load, rather than at the first Start
  const id = await readPref('currentSessionId');
  const session = id ? await loadSession(id).catch(() => undefined) : undefined;
  // Something may already be on screen (typed before storage answered): never replace it with an older page.
  if (!session || currentSession.value) return;
  rememberedCurrentId = session.id;
  show(session);
}

/** The session new words go into, created on first use. */
function ensureSession(source: StoredSession['source']): StoredSession {
  const session = currentSession.value ?? blankSession(source);
  if (!currentSession.value) currentSession.value = session;
  return session;
}

/**
 * Commits one final segment: shows it and saves it in one step. `shownText` is
 * the whole transcript with the segment already in place (the editor put it
 * at the caret); without it the segment is appended.
 */
export function commitSegment(text: string, segment: Omit<SessionSegment, 'id' | 'text'>, shownText?: string): void {
  const session = ensureSession('microphone');
  const nextText = shownText ?? appendSegment(transcript.value, text);
  const updated: StoredSession = {
    ...session,
    text: nextText,
    updatedAt: Date.now(),
    segments: [...session.segments, { id: session.segments.length + 1, text, ...segment }],
  };
  show(updated);
  persist(updated);
}

/** Milliseconds from the session's creation: where a new dictation's audio sits on its timeline. */
export function sessionClockMs(): number {
  const session = ensureSession('microphone');
  return Date.now() - session.createdAt;
}

/** The person edited the transcript; saved shortly after they pause typing (and on page hide). */
export function editText(text: string): void {
  const session = ensureSession('microphone');
  const updated = { ...session, text, updatedAt: Date.now() };
  show(updated);
  saves.saveSoon(updated, EDIT_SAVE_DELAY_MS);
  rememberCurrent(updated.id);
}

/** Writes pending edits now (the page is being hidden or closed); resolves when they are stored. */
export function flushEdits(): Promise<void> {
  return saves.flush();
}

export function startNewSession(): void {
  void flushEdits();
  const session = blankSession('microphone');
  show(session);
  persist(session);
}

/** A finished file transcription becomes a session of its own. */
export function addFileSession(fileName: string, text: string, segments: SessionSegment[]): void {
  void flushEdits();
  const session: StoredSession = {
    ...blankSession('file', defaultTitle('file', new Date(), fileName)),
    text,
    segments,
  };
  show(session);
  persist(session);
  void refreshSessionList();
}

export async function refreshSessionList(): Promise<void> {
  await flushEdits();
  sessionList.value = await listSessions().catch(() => []);
}

export async function openSession(id: string): Promise<void> {
  await flushEdits();
  const session = await loadSession(id);
  // The list may be stale: the session can be gone by now.
  if (session) {
    show(session);
    rememberCurrent(id);
  }
}

export async function renameSession(id: string, title: string): Promise<void> {
  const current = currentSession.value?.id === id ? currentSession.value : undefined;
  const session = current ?? saves.peek(id) ?? (await loadSession(id));
  if (!session) return;
  // Read again after the wait: the session on screen may have changed meanwhile.
  const latest = currentSession.value?.id === id ? currentSession.value : session;
  const updated = { ...latest, title: title.trim() || latest.title, updatedAt: Date.now() };
  if (currentSession.value?.id === id) currentSession.value = updated;
  saves.save(updated);
  await refreshSessionList();
}

export async function removeSession(id: string): Promise<void> {
  if (currentSession.value?.id === id) {
    currentSession.value = null;
    transcript.value = '';
  }
  try {
    await saves.remove(id);
  } catch (error) {
    notice.value = `The session could not be deleted: ${describeError(error)}`;
  }
  await refreshSessionList();
}

/** Case-insensitive match on title and text. */
export function searchSessions(sessions: readonly StoredSession[], query: string): StoredSession[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return [...sessions];
  return sessions.filter((s) => s.title.toLocaleLowerCase().includes(q) || s.text.toLocaleLowerCase().includes(q));
}
