import { signal } from '@preact/signals';
import { readPref, writePref } from './sessions-store';

/** Spoken punctuation and commands ("comma", "scratch that"…) are applied; on unless the person turned them off. */
export const voiceCommands = signal(true);

let loaded: Promise<void> | null = null;

/** Reads the saved choice once; until it arrives the default (on) applies. */
export function loadDictationSettings(): Promise<void> {
  loaded ??= readPref('voiceCommands').then((saved) => {
    if (typeof saved === 'boolean') voiceCommands.value = saved;
  });
  return loaded;
}

export function setVoiceCommands(on: boolean): void {
  voiceCommands.value = on;
  void writePref('voiceCommands', on).catch(() => {});
}
