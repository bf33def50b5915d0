/**
 * How the installed app is opened as a dictation tool: the manifest's "New
 * dictation" shortcut, and audio files opened with Utter from the system
 * (manifest `file_handlers`, delivered through `launchQueue`). Shared by the
 * manifest (vite.config.ts) and the page, so the two cannot drift apart.
 */

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
  if (!url) return false;
  try {
    return new URL(url).searchParams.has(NEW_DICTATION_QUERY);
  } catch {
    return false;
  }
}

/** The same URL without the shortcut's query, so a reload does not start another dictation. */
export function withoutNewDictation(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete(NEW_DICTATION_QUERY);
  return parsed.href;
}
