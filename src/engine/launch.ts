/**
 * How the installed app is opened as a dictation tool: the manifest's "New
 * dictation" shortcut, and audio files opened with Utter from the system
 * (manifest `file_handlers`, delivered through `launchQueue`). Shared by the
 * manifest (vite.config.ts) and the page, so the two cannot drift apart.
 */
import { queryParam } from './url-query';

/** The query the "New dictation" shortcut opens with. */
export const NEW_DICTATION_QUERY = 'new-dictation';

/** The shortcut's URL, relative to the manifest like start_url (so it works under any sub-path). */
export const NEW_DICTATION_URL = `./?${NEW_DICTATION_QUERY}`;

/**
 * Audio files the installed app offers to open, MIME type → extensions: the
 * formats "Transcribe a file" reads (see README, Files).
 */
export const AUDIO_FILE_TYPES: Record<string, string[]> = {
  'audio/wav': ['.wav'],
  'audio/x-wav': ['.wav'],
  'audio/mpeg': ['.mp3'],
  'audio/mp4': ['.m4a'],
  'audio/x-m4a': ['.m4a'],
  'audio/ogg': ['.ogg'],
  'audio/webm': ['.webm'],
};

/** True if this launch URL came from the "New dictation" shortcut. */
export function asksForNewDictation(url: string | undefined): boolean {
  return queryParam(url, NEW_DICTATION_QUERY) !== null;
}
