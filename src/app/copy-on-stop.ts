import { signal } from '@preact/signals';
import { readPref, writePref } from './sessions-store';

/** Copy the transcript to the clipboard whenever dictation stops; off unless the person turned it on. */
export const copyOnStop = signal(false);

let loaded: Promise<void> | null = null;

/** Reads the saved choice once; until it arrives the default (off) applies. */
export function loadCopyOnStop(): Promise<void> {
  loaded ??= readPref('copyOnStop').then((saved) => {
    if (typeof saved === 'boolean') copyOnStop.value = saved;
  });
  return loaded;
}

export function setCopyOnStop(on: boolean): void {
  copyOnStop.value = on;
  void writePref('copyOnStop', on).catch(() => {});
}
