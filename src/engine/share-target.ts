/**
 * The Web Share Target: audio files shared with the installed app from other
 * apps (a voice recorder's "Share → Utter"). The operating system POSTs them
 * to the manifest's `share_target.action`; the service worker keeps them and
 * answers with a redirect to the app carrying only the share's id; the page
 * picks them up from there. Shared by the manifest (vite.config.ts), the
 * service worker and the page, so the three cannot drift apart.
 */
import { AUDIO_FILE_TYPES } from './launch';
import { queryParam } from './url-query';

/** Where shares are POSTed, relative to the manifest like start_url (so it works under any sub-path). */
export const SHARE_TARGET_ACTION = './share-audio';

/** The multipart field the shared files arrive in (the manifest's `params.files[].name`). */
export const SHARE_FILES_FIELD = 'audio';

/** The query that tells the page a share is waiting; its value is the share's id. */
export const SHARED_QUERY = 'shared';

const AUDIO_EXTENSIONS = [...new Set(Object.values(AUDIO_FILE_TYPES).flat())];

/**
 * What the share sheet offers Utter for: any audio type, and the extensions
 * "Transcribe a file" reads, since some apps share audio with a generic type.
 */
export const SHARE_ACCEPT = ['audio/*', ...AUDIO_EXTENSIONS];

/** An id is the time (so old shares can be found) and a random part, both base 36. */
const SHARE_ID = /^([0-9a-z]{1,11})-([0-9a-z]{1,16})$/;

/** A fresh share id; `random` is a non-negative integer from a good source (crypto). */
export function newShareId(nowMs: number, random: number): string {
  return `${Math.max(0, Math.floor(nowMs)).toString(36)}-${Math.floor(Math.abs(random)).toString(36)}`;
}

/** When the share with this id arrived, or null if it is not an id we make. */
export function shareTime(id: string): number | null {
  const match = SHARE_ID.exec(id);
  return match?.[1] ? Number.parseInt(match[1], 36) : null;
}

/** True if this request is a share: a POST to the action, under the service worker's scope. */
export function isShareRequest(method: string, url: string, scope: string): boolean {
  if (method !== 'POST') return false;
  try {
    const target = new URL(url);
    const action = new URL(SHARE_TARGET_ACTION, scope);
    return target.origin === action.origin && target.pathname === action.pathname;
  } catch {
    return false;
  }
}

/** Where the service worker sends the page after a share, relative to the scope. */
export function sharedUrl(id: string): string {
  return `./?${SHARED_QUERY}=${encodeURIComponent(id)}`;
}

/** The id of the share this page was opened for, or null (no share, or a malformed id). */
export function sharedId(url: string): string | null {
  const id = queryParam(url, SHARED_QUERY);
  return id !== null && SHARE_ID.test(id) ? id : null;
}

/** What a shared file looks like here: a `File`, or anything with its name and type. */
export interface NamedFile {
  readonly name: string;
  readonly type: string;
}

/** Audio by its type, or by its extension when the sending app gave no audio type. */
export function isAudioFile(file: NamedFile): boolean {
  if (file.type.toLowerCase().startsWith('audio/')) return true;
  const name = file.name.toLowerCase();
  return AUDIO_EXTENSIONS.some((extension) => name.endsWith(extension));
}

/** The shared files split into those to transcribe (in the order shared) and the names of the rest. */
export function sortShared<T extends NamedFile>(files: readonly T[]): { audio: T[]; ignored: string[] } {
  const audio: T[] = [];
  const ignored: string[] = [];
  for (const file of files) {
    if (isAudioFile(file)) audio.push(file);
    else ignored.push(file.name);
  }
  return { audio, ignored };
}

/** A share not picked up within this time is deleted (the page picks one up as soon as it opens). */
export const SHARE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** True if the share with this id should be deleted: too old, or not an id we make. */
export function isStaleShare(id: string, nowMs: number): boolean {
  const time = shareTime(id);
  return time === null || nowMs - time > SHARE_MAX_AGE_MS;
}

/** The message for a share with no audio file in it, naming what was shared. */
export function noAudioShared(ignored: readonly string[]): string {
  const formats = AUDIO_EXTENSIONS.join(', ');
  if (ignored.length === 0)
    return `Nothing was shared with Utter that it can transcribe: it reads ${formats} audio files.`;
  const names = ignored.map((name) => `“${name}”`).join(', ');
  const verb = ignored.length === 1 ? 'is not an audio file' : 'are not audio files';
  return `${names} ${verb}: Utter transcribes ${formats} audio files.`;
}
