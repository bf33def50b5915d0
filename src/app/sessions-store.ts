import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { SessionSegment } from '../engine/session-types';
import type { BackendDecision, BackendSetting } from '../shared/types';

/** A dictation (or a transcribed file): what the person sees, and the timed segments behind it. */
export interface StoredSession {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** The transcript as shown, including the person's edits. */
  text: string;
  /** Committed segments, milliseconds from the session's first audio. */
  segments: SessionSegment[];
  source: 'microphone' | 'file';
}

interface Prefs {
  backendSetting: BackendSetting;
  backendDecision: BackendDecision;
  currentSessionId: string;
  microphoneId: string;
}

interface UtterDb extends DBSchema {
  prefs: { key: string; value: unknown };
  sessions: { key: string; value: StoredSession; indexes: { byCreated: number } };
}

const DB_NAME = 'utter';
let db: Promise<IDBPDatabase<UtterDb>> | null = null;

function open(): Promise<IDBPDatabase<UtterDb>> {
  db ??= openDB<UtterDb>(DB_NAME, 2, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) database.createObjectStore('prefs');
      if (oldVersion < 2) {
        const sessions = database.createObjectStore('sessions', { keyPath: 'id' });
        sessions.createIndex('byCreated', 'createdAt');
      }
    },
    blocking() {
      // A newer version of the app opened the database in another tab: let it upgrade.
      void db?.then((d) => d.close());
      db = null;
    },
  });
  return db;
}

export async function readPref<K extends keyof Prefs>(key: K): Promise<Prefs[K] | undefined> {
  try {
    return (await (await open()).get('prefs', key)) as Prefs[K] | undefined;
  } catch {
    return undefined; // storage blocked (some private modes): run with defaults
  }
}

export async function writePref<K extends keyof Prefs>(key: K, value: Prefs[K]): Promise<void> {
  await (await open()).put('prefs', value, key);
}

export async function saveSession(session: StoredSession): Promise<void> {
  await (await open()).put('sessions', session);
}

export async function loadSession(id: string): Promise<StoredSession | undefined> {
  return (await open()).get('sessions', id);
}

export async function deleteSession(id: string): Promise<void> {
  await (await open()).delete('sessions', id);
}

/** Every session, newest first. */
export async function listSessions(): Promise<StoredSession[]> {
  const all = await (await open()).getAllFromIndex('sessions', 'byCreated');
  return all.reverse();
}
