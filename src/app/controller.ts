import { batch, effect } from '@preact/signals';
import { parseUtterance } from '../engine/commands';
import { GAP_TEXT } from '../engine/export';
import type { SessionSegment } from '../engine/session-types';
import { cleanSegmentText } from '../engine/transcript';
import { applyReplacements } from '../engine/vocabulary';
import { viewStats } from '../shared/stats';
import {
  type BackendDecision,
  type BackendSetting,
  type LoadProgress,
  SAMPLE_RATE,
  type TranscriptionResult,
  type WorkerId,
} from '../shared/types';
import { announceCommitted, confirmCopied } from './announcements';
import { copyOnStop } from './copy-on-stop';
import { vocabulary, voiceCommands } from './dictation-settings';
import { dictationTarget } from './dictation-target';
import { describeError, describeMicrophoneError, missingBrowserFeatures } from './errors';
import { DictationPipeline, SupersededLoadError } from './pipeline';
import { commitSegment, editText, flushEdits, restoreLastSession, sessionClockMs } from './sessions';
import { readPref, writePref } from './sessions-store';
import * as state from './state';

const SAMPLES_PER_MS = SAMPLE_RATE / 1000;

const MICROPHONE_FALLBACK_NOTICE = 'The microphone you chose is not connected; using the default microphone.';

/** What the person reads for each worker. */
const WORKER_NAMES: Record<WorkerId, string> = { vad: 'voice detector', stt: 'speech recogniser' };

/** Dictation ended (stopped, or a worker gave up): nothing is heard, shown live or being transcribed any more. */
function clearLiveState(): void {
  state.liveText.value = '';
  state.speaking.value = false;
  state.transcribing.value = false;
}

/**
 * Connects the pipeline to the UI state. Owns the rules a person sees:
 * partial text is provisional and replaced; final text is appended to the
 * transcript (which the person may have edited) and saved in the same step.
 */
export class DictationController {
  pipeline: DictationPipeline | null = null;
  /** The segment whose words the Live text currently shows. */
  private liveSegment = 0;
  /** Segments that already have final text: late partials (or a replayed final) for them are ignored. */
  private readonly finalised = new Set<number>();
  /** Where this dictation sits on the session's timeline. */
  private dictationBase = { sample: 0, ms: 0 };
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private benchRecorder: ((result: TranscriptionResult) => void) | null = null;
  private audioContext: AudioContext | null = null;
  /** The backend decision remembered from an earlier visit, for a Retry's reload. */
  private remembered: BackendDecision | null = null;
  /** The terms the speech worker has (null: not sent to this worker yet). */
  private sentTerms: string | null = null;

  async init(): Promise<void> {
    const missing = missingBrowserFeatures();
    if (missing) {
      this.fail(missing);
      return;
    }
    const [setting, remembered, microphone] = await Promise.all([
      readPref('backendSetting'),
      readPref('backendDecision'),
      readPref('microphoneId'),
      restoreLastSession().catch(() => {}),
    ]);
    if (setting) state.backendSetting.value = setting;
    if (microphone) state.microphoneId.value = microphone;
    addEventListener('pagehide', flushEdits);
    document.addEventListener('visibilitychange', () => this.onVisibilityChange());
    this.remembered = remembered ?? null;
    try {
      this.pipeline = new DictationPipeline({
        onResult: (result) => this.onResult(result),
        onSpeaking: (speaking) => (state.speaking.value = speaking),
        onSegmentEnded: () => (state.transcribing.value = true),
        onWorkerError: (worker, message) => this.onWorkerError(worker, message),
        onWorkerRestart: (worker, reason, restarts) => this.onWorkerRestart(worker, reason, restarts),
        onWorkerRecovered: (_worker, ms) => {
          state.lastRecoveryMs.value = ms;
        },
        onWorkerGaveUp: (worker, reason) => this.onWorkerGaveUp(worker, reason),
        onCaptureFailed: (message) => this.onCaptureFailed(message),
      });
    } catch (error) {
      this.fail(`Utter could not start its workers: ${describeError(error)}`);
      return;
    }
    state.isolated.value = this.pipeline.isolated;
    effect(() => this.sendVocabulary());
    // The bench build's hook, a default export so that no bench name is in this file's source map.
    if (__BENCH__) this.benchRecorder = (await import('./bench-hook')).default(this.pipeline);
    await this.loadModels();
  }

  /**
   * Loads (or, on Retry, reloads) both models. Dictation can start once the
   * voice detector runs; the speech model may still be loading then (its
   * audio waits for it). A failure or a stall ends in a message and Retry.
   */
  private async loadModels(): Promise<void> {
    const pipeline = this.pipeline;
    if (!pipeline) return;
    batch(() => {
      state.phase.value = 'loading';
      state.loadProgress.value = {};
      state.canRetry.value = false;
    });
    try {
      const { transcriber } = await pipeline.load(state.backendSetting.value, this.remembered, (p) =>
        this.onProgress(p),
      );
      batch(() => {
        state.transcriberLoading.value = true;
        state.phase.value = 'ready';
      });
      this.startStatsPolling();
      const decision = await transcriber;
      batch(() => {
        state.backendDecision.value = decision;
        state.transcriberLoading.value = false;
      });
      if (decision.measuredMs) void writePref('backendDecision', decision).catch(() => {});
    } catch (error) {
      // A Retry started a newer load: that one reports.
      if (error instanceof SupersededLoadError) return;
      // A dictation started meanwhile was stopped by the pipeline, and its microphone released.
      this.audioContext = null;
      batch(() => {
        state.transcriberLoading.value = false;
        clearLiveState();
      });
      this.fail(`The speech models could not be loaded: ${describeError(error)}.`, true);
    }
  }

  /** The person pressed Retry after a failure: fresh workers, the text untouched. */
  async retry(): Promise<void> {
    if (state.phase.value !== 'failed' || !state.canRetry.value) return;
    state.errorMessage.value = null;
    await this.loadModels();
  }

  private onProgress(progress: LoadProgress): void {
    state.loadProgress.value = { ...state.loadProgress.value, [progress.label]: progress };
  }

  private fail(message: string, canRetry = false): void {
    batch(() => {
      state.errorMessage.value = message;
      state.canRetry.value = canRetry;
      state.phase.value = 'failed';
    });
  }

  async toggle(): Promise<void> {
    if (state.phase.value === 'listening') await this.stop();
    else if (state.phase.value === 'ready') await this.start();
  }

  async start(): Promise<void> {
    const pipeline = this.pipeline;
    if (!pipeline) return;
    batch(() => {
      state.errorMessage.value = null;
      state.phase.value = 'starting';
    });
    try {
      const { track, context, startSample } = await pipeline.start(state.microphoneId.value || undefined);
      // A load that failed as the microphone opened left Retry: end what the pipeline started.
      if (state.phase.value !== 'starting') {
        void pipeline.stop();
        return;
      }
      this.dictationBase = { sample: startSample, ms: sessionClockMs() };
      // Segment ids start again with each dictation.
      this.finalised.clear();
      // Phrases go to the person's caret (or replace their selection), like typing.
      dictationTarget()?.begin();
      this.liveSegment = 0;
      this.watchInput(track, context);
      // A remembered microphone that is gone was replaced by the default in startCapture: say so.
      const chosen = state.microphoneId.value;
      const used = track.getSettings().deviceId;
      if (chosen && used !== undefined && used !== chosen) state.notice.value = MICROPHONE_FALLBACK_NOTICE;
      state.phase.value = 'listening';
    } catch (error) {
      // A load that failed meanwhile leaves (or already left) 'failed', with Retry: keep that.
      if (state.phase.value !== 'starting' || pipeline.halted) return;
      batch(() => {
        state.errorMessage.value = describeMicrophoneError(error);
        state.phase.value = 'ready';
      });
    }
  }

  /** Unplugged microphones and suspended audio get a message, never silent loss. */
  private watchInput(track: MediaStreamTrack, context: AudioContext): void {
    this.audioContext = context;
    track.addEventListener('ended', () => {
      if (state.phase.value !== 'listening') return;
      state.notice.value = 'The microphone was disconnected. Dictation stopped; your text is kept.';
      void this.stop();
    });
    context.addEventListener('statechange', () => {
      if (context.state !== 'suspended' || state.phase.value !== 'listening') return;
      // The browser paused audio (another app took the device, or a background policy). Try once to resume.
      context.resume().catch(() => {});
      setTimeout(() => {
        if (context.state === 'suspended' && state.phase.value === 'listening') {
          state.notice.value = 'The browser paused the microphone. Press Stop dictation, then Start again to continue.';
        }
      }, 500);
    });
  }

  private onVisibilityChange(): void {
    if (document.visibilityState === 'hidden') flushEdits();
    else if (this.audioContext?.state === 'suspended' && state.phase.value === 'listening') {
      void this.audioContext.resume().catch(() => {});
    }
  }

  async stop(): Promise<void> {
    const pipeline = this.pipeline;
    if (!pipeline || state.phase.value !== 'listening') return;
    state.phase.value = 'stopping';
    try {
      await pipeline.stop();
    } catch (error) {
      state.errorMessage.value = `Stopping did not finish cleanly: ${describeError(error)}`;
    } finally {
      this.audioContext = null;
      batch(() => {
        clearLiveState();
        // A worker that gave up, or a load that failed, meanwhile leaves the app 'failed', with Retry.
        if (state.phase.value === 'stopping' && !pipeline.halted) state.phase.value = 'ready';
      });
      // Copy on stop (a setting): once the last words are in, so the clipboard holds the whole transcript.
      if (copyOnStop.value && state.transcript.value) void this.copy();
    }
  }

  private onResult(result: TranscriptionResult): void {
    this.benchRecorder?.(result);
    if (this.finalised.has(result.segmentId)) return;
    if (result.kind === 'gap') {
      this.commitGap(result);
      return;
    }
    if (result.kind === 'partial') {
      if (result.segmentId < this.liveSegment) return;
      // An empty decode of a growing segment says nothing new: keep what the live text showed.
      if (!result.text.trim() && result.segmentId === this.liveSegment) return;
      // Commands show applied: "comma" never flashes as a word, "scratch that" shows nothing.
      const said = this.said(result.text);
      batch(() => {
        this.liveSegment = result.segmentId;
        state.liveText.value = said.kind === 'text' ? said.text : '';
        state.transcribing.value = true;
      });
      return;
    }
    this.finalised.add(result.segmentId);
    const said = this.said(result.text);
    // Audio that was overwritten before it could be transcribed is marked, not silently skipped.
    const gap = result.lostSamples > 0;
    const text = said.kind === 'text' ? said.text : '';
    const shown = gap ? `${GAP_TEXT} ${text}`.trim() : text;
    batch(() => {
      if (said.kind === 'stop') void this.stop();
      else if (said.kind === 'scratch') this.scratchLastPhrase();
      else if (said.kind === 'undo') dictationTarget()?.undo();
      if (shown) {
        const toMs = (sample: number) => this.dictationBase.ms + (sample - this.dictationBase.sample) / SAMPLES_PER_MS;
        this.place(shown, { startMs: toMs(result.startSample), endMs: toMs(result.endSample), gap });
        announceCommitted(shown);
      }
      this.endLiveText(result.segmentId);
    });
  }

  /** Cleaned model text with the person's replacements, then voice commands (when they are on), applied. */
  private said(raw: string): ReturnType<typeof parseUtterance> {
    const text = applyReplacements(cleanSegmentText(raw), vocabulary.value.rules);
    return voiceCommands.value ? parseUtterance(text) : { kind: 'text', text };
  }

  /** Puts committed words at the person's caret (the editor decides where) and saves them with their timing. */
  private place(text: string, timing: Omit<SessionSegment, 'id' | 'text'>): void {
    const target = dictationTarget();
    if (!target) {
      commitSegment(text, timing);
      return;
    }
    const shownText = target.insert(text);
    if (shownText !== null) commitSegment(text, timing, shownText);
  }

  /**
   * Gives the pipeline the Vocabulary setting's terms and whether voice
   * commands are on, when either changes (read here, so the effect that calls
   * this re-runs then); the pipeline hands them to every speech worker.
   */
  private sendVocabulary(): void {
    const terms = vocabulary.value.terms;
    const commands = voiceCommands.value;
    const key = `${commands}\n${terms.join('\n')}`;
    if (!this.pipeline || key === this.sentTerms) return;
    this.sentTerms = key;
    void this.pipeline.setVocabulary(terms, commands);
  }

  /** "scratch that": removes the last dictated phrase, only while the caret is still right after it. */
  private scratchLastPhrase(): void {
    const restored = dictationTarget()?.scratch();
    if (typeof restored === 'string') editText(restored);
  }

  /** Audio that could not be transcribed is marked in the transcript, never silently skipped. */
  private commitGap(result: TranscriptionResult): void {
    this.finalised.add(result.segmentId);
    const toMs = (sample: number) => this.dictationBase.ms + (sample - this.dictationBase.sample) / SAMPLES_PER_MS;
    batch(() => {
      this.place(GAP_TEXT, { startMs: toMs(result.startSample), endMs: toMs(result.endSample), gap: true });
      this.endLiveText(result.segmentId);
    });
  }

  /** A segment's final (words or a gap) is in: the Live text, if it shows this segment or an older one, is done. */
  private endLiveText(segmentId: number): void {
    if (this.liveSegment > segmentId) return;
    state.liveText.value = '';
    state.transcribing.value = false;
  }

  private onWorkerError(worker: WorkerId, message: string): void {
    state.errorMessage.value = `The ${WORKER_NAMES[worker]} reported a problem: ${message}`;
  }

  private onWorkerRestart(worker: WorkerId, reason: string, restarts: number): void {
    batch(() => {
      state.restarts.value = this.pipeline?.restarts ?? restarts;
      state.notice.value = `The ${WORKER_NAMES[worker]} stopped (${reason}) and is being restarted. Your words are kept.`;
    });
  }

  /** Dictation (if any) has already been stopped and the microphone released; offer Retry. */
  private onWorkerGaveUp(worker: WorkerId, reason: string): void {
    this.audioContext = null;
    batch(clearLiveState);
    this.fail(
      `The ${WORKER_NAMES[worker]} kept failing (${reason}), so dictation stopped. Your text is saved. Press Retry to start it again.`,
      true,
    );
  }

  /** The audio thread failed: nothing more can be heard, so dictation stops and keeps what it has. */
  private onCaptureFailed(message: string): void {
    state.errorMessage.value = `The microphone audio stopped working (${message}). Dictation stopped; your text is kept. Press Start dictation to try again.`;
    void this.stop();
  }

  async copy(): Promise<boolean> {
    try {
      await navigator.clipboard.writeText(state.transcript.value);
      confirmCopied();
      return true;
    } catch (error) {
      state.errorMessage.value = `Copy failed: ${describeError(error)}. Select the text and copy it by hand.`;
      return false;
    }
  }

  async setBackend(setting: BackendSetting): Promise<void> {
    const pipeline = this.pipeline;
    state.backendSetting.value = setting;
    void writePref('backendSetting', setting).catch(() => {});
    if (!pipeline || !state.fullyReady.value) return;
    state.phase.value = 'loading';
    state.loadProgress.value = {};
    try {
      state.backendDecision.value = await pipeline.switchBackend(setting, (p) => this.onProgress(p));
      state.phase.value = 'ready';
    } catch (error) {
      this.fail(`The speech model could not be loaded on ${setting}: ${describeError(error)}`);
    }
  }

  setMicrophone(deviceId: string): void {
    state.microphoneId.value = deviceId;
    if (state.notice.value === MICROPHONE_FALLBACK_NOTICE) state.notice.value = null;
    void writePref('microphoneId', deviceId).catch(() => {});
  }

  private startStatsPolling(): void {
    if (this.statsTimer !== null) return;
    // Without shared memory the figures come from the workers, which may be busy loading a
    // model: one poll at a time, so answers never pile up behind a session build.
    let polling = false;
    this.statsTimer = setInterval(async () => {
      const pipeline = this.pipeline;
      if (!pipeline || polling) return;
      polling = true;
      try {
        const view = viewStats(await pipeline.stats());
        batch(() => {
          state.stats.value = view;
          state.levelDb.value = state.phase.value === 'listening' ? view.levelDb : -100;
        });
      } finally {
        polling = false;
      }
    }, 100);
  }
}
