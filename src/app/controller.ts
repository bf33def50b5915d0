import { batch } from '@preact/signals';
import { appendSegment, cleanSegmentText } from '../engine/transcript';
import { viewStats } from '../shared/stats';
import type { BackendSetting, LoadProgress, TranscriptionResult, VadStatusEvent } from '../shared/types';
import { installBenchHook } from './bench-hook';
import { describeError, describeMicrophoneError, missingBrowserFeatures } from './errors';
import { DictationPipeline } from './pipeline';
import { readPref, writePref } from './prefs';
import * as state from './state';

/**
 * Connects the pipeline to the UI state. Owns the rules a person sees:
 * partial text is provisional and replaced; final text is appended to the
 * transcript (which the person may have edited) and saved.
 */
export class DictationController {
  private pipeline: DictationPipeline | null = null;
  /** The segment whose words the Live text currently shows. */
  private liveSegment = 0;
  /** Segments that already have final text: late partials for them are ignored. */
  private finalisedThrough = 0;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private benchRecorder: ((result: TranscriptionResult) => void) | null = null;

  async init(): Promise<void> {
    const missing = missingBrowserFeatures();
    if (missing) {
      this.fail(missing);
      return;
    }
    const [setting, remembered, draft] = await Promise.all([
      readPref('backendSetting'),
      readPref('backendDecision'),
      readPref('draftTranscript'),
    ]);
    if (setting) state.backendSetting.value = setting;
    if (draft) state.transcript.value = draft;
    try {
      this.pipeline = new DictationPipeline({
        onResult: (result) => this.onResult(result),
        onVadStatus: (event) => this.onVadStatus(event),
        onWorkerError: (worker, message) => this.onWorkerError(worker, message),
      });
      state.isolated.value = this.pipeline.isolated;
      this.benchRecorder = installBenchHook(this.pipeline);
      const decision = await this.pipeline.load(state.backendSetting.value, remembered ?? null, (p) =>
        this.onProgress(p),
      );
      state.backendDecision.value = decision;
      if (decision.measuredMs) void writePref('backendDecision', decision).catch(() => {});
      state.phase.value = 'ready';
      this.startStatsPolling();
    } catch (error) {
      this.fail(`The speech models could not be loaded: ${describeError(error)}`);
    }
  }

  private onProgress(progress: LoadProgress): void {
    state.loadProgress.value = { ...state.loadProgress.value, [progress.label]: progress };
  }

  private fail(message: string): void {
    batch(() => {
      state.errorMessage.value = message;
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
      const track = await pipeline.start();
      track.addEventListener('ended', () => {
        state.notice.value = 'The microphone was disconnected. Dictation stopped; your text is kept.';
        void this.stop();
      });
      state.phase.value = 'listening';
    } catch (error) {
      batch(() => {
        state.errorMessage.value = describeMicrophoneError(error);
        state.phase.value = 'ready';
      });
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
      batch(() => {
        state.liveText.value = '';
        state.speaking.value = false;
        state.transcribing.value = false;
        state.phase.value = 'ready';
      });
    }
  }

  private onResult(result: TranscriptionResult): void {
    this.benchRecorder?.(result);
    if (result.segmentId <= this.finalisedThrough) return;
    if (result.kind === 'partial') {
      batch(() => {
        this.liveSegment = result.segmentId;
        state.liveText.value = cleanSegmentText(result.text);
        state.transcribing.value = true;
      });
      return;
    }
    this.finalisedThrough = result.segmentId;
    const text = cleanSegmentText(result.text);
    batch(() => {
      if (text) state.transcript.value = appendSegment(state.transcript.value, text);
      if (this.liveSegment <= result.segmentId) {
        state.liveText.value = '';
        state.transcribing.value = false;
      }
    });
    if (text) this.saveTranscript();
  }

  private onVadStatus(event: VadStatusEvent): void {
    if (event.type === 'speech') state.speaking.value = event.speaking;
    else if (event.event.type === 'end') state.transcribing.value = true;
  }

  private onWorkerError(worker: string, message: string): void {
    state.errorMessage.value = `The ${worker} failed: ${message}`;
  }

  /** The person edited the transcript. */
  editTranscript(text: string): void {
    state.transcript.value = text;
    this.saveTranscript();
  }

  clearTranscript(): void {
    batch(() => {
      state.transcript.value = '';
      state.liveText.value = '';
    });
    this.saveTranscript();
  }

  private saveTranscript(): void {
    writePref('draftTranscript', state.transcript.value).catch((error: unknown) => {
      state.notice.value = `Your text could not be saved on this device: ${describeError(error)}`;
    });
  }

  async copy(): Promise<boolean> {
    try {
      await navigator.clipboard.writeText(state.transcript.value);
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
    if (!pipeline || state.phase.value !== 'ready') return;
    state.phase.value = 'loading';
    state.loadProgress.value = {};
    try {
      state.backendDecision.value = await pipeline.switchBackend(setting, (p) => this.onProgress(p));
      state.phase.value = 'ready';
    } catch (error) {
      this.fail(`The speech model could not be loaded on ${setting}: ${describeError(error)}`);
    }
  }

  private startStatsPolling(): void {
    if (this.statsTimer !== null) return;
    this.statsTimer = setInterval(async () => {
      const pipeline = this.pipeline;
      if (!pipeline) return;
      const view = viewStats(await pipeline.stats());
      batch(() => {
        state.stats.value = view;
        state.levelDb.value = state.phase.value === 'listening' ? view.levelDb : -100;
      });
    }, 100);
  }
}
