import { signal } from '@preact/signals';
import type { SessionSegment } from '../engine/session-types';
import { appendSegment } from '../engine/transcript';
import { describeError } from './errors';
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

export function defaultTitle(source: StoredSession['source'], when = new Date(), fileName?: string): string {
  const stamp = when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
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

/**
 * Saves the session. Called in the same step that changes what is on screen,
 * so committed words are on disk moments after they appear.
 */
function persist(session: StoredSession): void {
  saveSession(session).catch((error: unknown) => {
    notice.value =
      error instanceof DOMException && error.name === 'QuotaExceededError'
        ? 'This device is out of storage: new words are on screen but not saved. Export or copy them, then free some space.'
        : `Your text could not be saved on this device: ${describeError(error)}`;
  });
  void writePref('currentSessionId', session.id).catch(() => {});
}

function show(session: StoredSession): void {
  currentSession.value = session;
  transcript.value = session.text;
}

/** Reopens the session that was on screen last time (after a reload or a closed tab). */
export async function restoreLastSession(): Promise<void> {
  const id = await readPref('currentSessionId');
  const session = id ? await loadSession(id).catch(() => undefined) : undefined;
  if (session) show(session);
}

/** The session new words go into, created on first use. */
function ensureSession(source: StoredSession['source']): StoredSession {
  const session = currentSession.value ?? blankSession(source);
  if (!currentSession.value) currentSession.value = session;
  return session;
}

/** Commits one final segment: shows it and saves it in one step. */
export function commitSegment(text: string, segment: Omit<SessionSegment, 'id' | 'text'>): void {
  const session = ensureSession('microphone');
  const nextText = appendSegment(transcript.value, text);
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

let editTimer: ReturnType<typeof setTimeout> | null = null;

/** The person edited the transcript; saved shortly after they pause typing (and on page hide). */
export function editText(text: string): void {
  transcript.value = text;
  const session = ensureSession('microphone');
  const updated = { ...session, text, updatedAt: Date.now() };
  currentSession.value = updated;
  if (editTimer !== null) clearTimeout(editTimer);
  editTimer = setTimeout(() => {
    editTimer = null;
    persist(updated);
  }, 300);
}

/** Writes a pending edit now (the page is being hidden or closed). */
export function flushEdits(): void {
  if (editTimer === null || !currentSession.value) return;
  clearTimeout(editTimer);
  editTimer = null;
  persist(currentSession.value);
}

export function startNewSession(): void {
  flushEdits();
  const session = blankSession('microphone');
  show(session);
  persist(session);
}

/** A finished file transcription becomes a session of its own. */
export function addFileSession(fileName: string, text: string, segments: SessionSegment[]): void {
  flushEdits();
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
  sessionList.value = await listSessions().catch(() => []);
}

export async function openSession(id: string): Promise<void> {
  flushEdits();
  const session = await loadSession(id);
  if (session) {
    show(session);
    void writePref('currentSessionId', id).catch(() => {});
  }
}

export async function renameSession(id: string, title: string): Promise<void> {
  const session = currentSession.value?.id === id ? currentSession.value : await loadSession(id);
  if (!session) return;
  const updated = { ...session, title: title.trim() || session.title, updatedAt: Date.now() };
  if (currentSession.value?.id === id) currentSession.value = updated;
  await saveSession(updated);
  await refreshSessionList();
}

export async function removeSession(id: string): Promise<void> {
  await deleteSession(id);
  if (currentSession.value?.id === id) {
    currentSession.value = null;
    transcript.value = '';
  }
  await refreshSessionList();
}

/** Case-insensitive match on title and text. */
export function searchSessions(sessions: readonly StoredSession[], query: string): StoredSession[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return [...sessions];
  return sessions.filter((s) => s.title.toLocaleLowerCase().includes(q) || s.text.toLocaleLowerCase().includes(q));
}
