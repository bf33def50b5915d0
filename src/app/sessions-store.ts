import { type DBSchema, type IDBPDatabase, type IDBPObjectStore, openDB } from 'idb';
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
  voiceCommands: boolean;
  copyOnStop: boolean;
  vocabulary: string;
}

interface UtterDb extends DBSchema {
  prefs: { key: string; value: unknown };
  sessions: { key: string; value: StoredSession; indexes: { byCreated: number } };
}

const DB_NAME = 'utter';
let db: Promise<IDBPDatabase<UtterDb>> | null = null;
/** The open connection, once there is one: writes then start in the caller's own task. */
let connection: IDBPDatabase<UtterDb> | null = null;

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
      connection?.close();
      connection = null;
      db = null;
    },
  }).then((database) => {
    connection = database;
    return database;
  });
  return db;
}

/**
 * Runs `action` on the database. Once the connection is open this happens
 * synchronously, so a write asked for in a `pagehide` handler has started
 * before the page goes; before that, actions queue on the open in call order.
 * Either way transactions are created in call order, and IndexedDB runs
 * read-write transactions on the same store in creation order: a write asked
 * for later always lands later.
 */
function withDb<T>(action: (database: IDBPDatabase<UtterDb>) => Promise<T>): Promise<T> {
  if (connection) return action(connection);
  return open().then(action);
}

export async function readPref<K extends keyof Prefs>(key: K): Promise<Prefs[K] | undefined> {
  try {
    return (await withDb((d) => d.get('prefs', key))) as Prefs[K] | undefined;
  } catch {
    return undefined; // storage blocked (some private modes): run with defaults
  }
}

export async function writePref<K extends keyof Prefs>(key: K, value: Prefs[K]): Promise<void> {
  await withDb((d) => d.put('prefs', value, key));
}

/**
 * Runs one request on the sessions store and commits at once. Waiting for the
 * automatic commit needs a round trip the page may not live to see: a write
 * made in `pagehide` was lost on reload until it committed explicitly.
 */
function writeSessions(
  request: (store: IDBPObjectStore<UtterDb, ['sessions'], 'sessions', 'readwrite'>) => Promise<unknown>,
): Promise<void> {
  return withDb(async (d) => {
    const tx = d.transaction('sessions', 'readwrite');
    const done = request(tx.store);
    tx.commit();
    await Promise.all([done, tx.done]);
  });
}

/** Writes the whole session; ordered after every write asked for before it (see `withDb`). */
export function saveSession(session: StoredSession): Promise<void> {
  return writeSessions((store) => store.put(session));
}

export async function loadSession(id: string): Promise<StoredSession | undefined> {
  return withDb((d) => d.get('sessions', id));
}

/** Deletes the session; ordered after every write asked for before it. */
export function deleteSession(id: string): Promise<void> {
  return writeSessions((store) => store.delete(id));
}

/** Every session, newest first. */
export async function listSessions(): Promise<StoredSession[]> {
  const all = await withDb((d) => d.getAllFromIndex('sessions', 'byCreated'));
  return all.reverse();
}
