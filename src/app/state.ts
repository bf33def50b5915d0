import { computed, signal } from '@preact/signals';
import type { StatsView } from '../shared/stats';
import type { BackendDecision, BackendSetting, LoadProgress } from '../shared/types';
import { offlineProgress } from './offline';

export type Phase = 'loading' | 'ready' | 'starting' | 'listening' | 'stopping' | 'transcribing-file' | 'failed';

/** All UI state, as signals: components read these, the controller writes them. */
export const phase = signal<Phase>('loading');
export const speaking = signal(false);
/** Live figure: a partial decode is running or results are pending for the current segment. */
export const transcribing = signal(false);
export const loadProgress = signal<Record<string, LoadProgress>>({});
/**
 * The voice detector runs but the speech model is still loading: dictation
 * can start (its audio waits in the ring for the speech worker), files cannot.
 */
export const transcriberLoading = signal(false);
export const transcript = signal('');
export const liveText = signal('');
export const errorMessage = signal<string | null>(null);
/** A failure the person can try again from (a stalled load, a worker that kept dying). */
export const canRetry = signal(false);
export const notice = signal<string | null>(null);
export const levelDb = signal(-100);
export const stats = signal<StatsView | null>(null);
export const backendSetting = signal<BackendSetting>('auto');
export const backendDecision = signal<BackendDecision | null>(null);
export const isolated = signal(false);
/** Worker replacements so far (diagnostics). */
export const restarts = signal(0);
/** Milliseconds from noticing the newest failure to its replacement working (diagnostics). */
export const lastRecoveryMs = signal<number | null>(null);
/** The chosen microphone's deviceId, or '' for the browser's default. */
export const microphoneId = signal('');

/** Nothing is running and both models are loaded: a file can be transcribed, the backend switched. */
export const fullyReady = computed(() => phase.value === 'ready' && !transcriberLoading.value);

export const loadFraction = computed(() => {
  const parts = Object.values(loadProgress.value);
  const total = parts.reduce((sum, p) => sum + p.total, 0);
  const loaded = parts.reduce((sum, p) => sum + p.loaded, 0);
  return total > 0 ? loaded / total : 0;
});

/** Where the models came from on this load: the offline copy, the network, or both. */
export const modelSource = computed(() => {
  const parts = Object.values(loadProgress.value).filter((p) => p.done);
  if (parts.length === 0) return null;
  const cached = parts.filter((p) => p.fromCache).length;
  return cached === parts.length ? 'offline copy' : cached === 0 ? 'network' : 'offline copy and network';
});

/**
 * The status line in two parts. `steady` changes only with the phase: it is
 * what screen readers hear (the line is a live region). `detail` changes at
 * speech rate or with every percent loaded: shown, never announced.
 */
export const status = computed((): { steady: string; detail: string } => {
  switch (phase.value) {
    case 'loading': {
      const offline = offlineProgress.value;
      if (offline && loadFraction.value === 0 && offline.done < offline.total) {
        return { steady: 'Saving Utter for offline use…', detail: ` ${offline.done} of ${offline.total} files` };
      }
      return { steady: 'Loading models…', detail: ` ${Math.round(loadFraction.value * 100)}%` };
    }
    case 'ready':
      if (transcriberLoading.value) {
        return {
          steady: 'Loading the speech model… you can start speaking',
          detail: ` ${Math.round(loadFraction.value * 100)}%`,
        };
      }
      return { steady: modelSource.value ? `Ready (models from the ${modelSource.value})` : 'Ready', detail: '' };
    case 'starting':
      return { steady: 'Starting microphone…', detail: '' };
    case 'listening':
      return {
        steady: 'Listening',
        detail: transcriberLoading.value
          ? ': the speech model is still loading, your words will follow'
          : speaking.value
            ? ': hearing speech'
            : transcribing.value
              ? ': transcribing'
              : '',
      };
    case 'stopping':
      return { steady: 'Transcribing the last words…', detail: '' };
    case 'transcribing-file':
      return { steady: 'Transcribing a file…', detail: '' };
    case 'failed':
      return { steady: 'Not available', detail: '' };
  }
});
