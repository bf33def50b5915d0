import { computed, signal } from '@preact/signals';
import { parseVocabulary } from '../engine/vocabulary';
import { readPref, writePref } from './sessions-store';

/** Spoken punctuation and commands ("comma", "scratch that"…) are applied; on unless the person turned them off. */
export const voiceCommands = signal(true);

/** The "Vocabulary" field as typed: terms, and `heard => written` lines (see engine/vocabulary.ts). */
export const vocabularyText = signal('');

/** The field read into terms and replacement rules; every new utterance uses the current value. */
export const vocabulary = computed(() => parseVocabulary(vocabularyText.value));

let loaded: Promise<void> | null = null;

/** Reads the saved choice once; until it arrives the default (on) applies. */
export function loadDictationSettings(): Promise<void> {
  loaded ??= Promise.all([readPref('voiceCommands'), readPref('vocabulary')]).then(([commands, words]) => {
    if (typeof commands === 'boolean') voiceCommands.value = commands;
    if (typeof words === 'string') vocabularyText.value = words;
  });
  return loaded;
}

export function setVoiceCommands(on: boolean): void {
  voiceCommands.value = on;
  void writePref('voiceCommands', on).catch(() => {});
}

export function setVocabularyText(text: string): void {
  vocabularyText.value = text;
  void writePref('vocabulary', text).catch(() => {});
}
