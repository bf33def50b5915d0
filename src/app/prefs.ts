import { type IDBPDatabase, openDB } from 'idb';
import type { BackendDecision, BackendSetting } from '../shared/types';

/** Small key-value settings kept in IndexedDB (the app's one persistent store). */
interface PrefsSchema {
  backendSetting: BackendSetting;
  backendDecision: BackendDecision;
  draftTranscript: string;
}

const DB_NAME = 'utter';
const STORE = 'prefs';
let db: Promise<IDBPDatabase> | null = null;

function open(): Promise<IDBPDatabase> {
  db ??= openDB(DB_NAME, 1, {
    upgrade(database) {
      if (!database.objectStoreNames.contains(STORE)) database.createObjectStore(STORE);
    },
  });
  return db;
}

export async function readPref<K extends keyof PrefsSchema>(key: K): Promise<PrefsSchema[K] | undefined> {
  try {
    return (await (await open()).get(STORE, key)) as PrefsSchema[K] | undefined;
  } catch {
    return undefined; // private mode or storage blocked: run with defaults
  }
}

export async function writePref<K extends keyof PrefsSchema>(key: K, value: PrefsSchema[K]): Promise<void> {
  await (await open()).put(STORE, value, key);
}
