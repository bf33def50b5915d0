import * as Comlink from 'comlink';
import { type Capture, startCapture } from '../audio/capture';
import { AudioRing } from '../audio/ring';
import { createStatsBuffer, mergeSnapshots } from '../shared/stats';
import type {
  BackendDecision,
  BackendSetting,
  LoadProgress,
  ModelUrls,
  TranscriptionResult,
  VadStatusEvent,
} from '../shared/types';
import type { SttApi } from '../workers/stt.worker';
import type { VadApi } from '../workers/vad.worker';

export interface PipelineCallbacks {
  onResult(result: TranscriptionResult): void;
  onVadStatus(event: VadStatusEvent): void;
  /** A worker threw outside a call, failed to load its script, or sent something unreadable. */
  onWorkerError(worker: 'voice detector' | 'speech recogniser', message: string): void;
}

export function modelUrls(): ModelUrls {
  return {
    models: new URL('models/', document.baseURI).href,
    ort: new URL('ort/', document.baseURI).href,
  };
}

function watch(worker: Worker, name: 'voice detector' | 'speech recogniser', callbacks: PipelineCallbacks): void {
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    callbacks.onWorkerError(name, event.message || 'the worker stopped unexpectedly');
  });
  worker.addEventListener('messageerror', () => callbacks.onWorkerError(name, 'a message could not be read'));
}

/**
 * Owns the two long-lived workers and the capture. The UI talks to this, never
 * to `postMessage`. Workers are created once, when the page loads.
 */
export class DictationPipeline {
  /** One ring for the page's lifetime when isolated; positions keep growing across dictations. */
  readonly ring: SharedArrayBuffer | null = self.crossOriginIsolated
    ? (AudioRing.create().buffer as SharedArrayBuffer)
    : null;
  readonly counters: Int32Array = createStatsBuffer(self.crossOriginIsolated);
  private readonly vadWorker: Worker;
  private readonly sttWorker: Worker;
  private readonly vad: Comlink.Remote<VadApi>;
  private readonly stt: Comlink.Remote<SttApi>;
  private capture: Capture | null = null;

  constructor(private readonly callbacks: PipelineCallbacks) {
    this.vadWorker = new Worker(new URL('../workers/vad.worker.ts', import.meta.url), {
      type: 'module',
      name: 'utter-vad',
    });
    this.sttWorker = new Worker(new URL('../workers/stt.worker.ts', import.meta.url), {
      type: 'module',
      name: 'utter-stt',
    });
    watch(this.vadWorker, 'voice detector', callbacks);
    watch(this.sttWorker, 'speech recogniser', callbacks);
    this.vad = Comlink.wrap<VadApi>(this.vadWorker);
    this.stt = Comlink.wrap<SttApi>(this.sttWorker);
  }

  get isolated(): boolean {
    return this.ring !== null;
  }

  async load(
    setting: BackendSetting,
    remembered: BackendDecision | null,
    onProgress: (progress: LoadProgress) => void,
  ): Promise<BackendDecision> {
    const urls = modelUrls();
    const counters = this.ring ? this.counters : null;
    const progress = Comlink.proxy(onProgress);
    const [, decision] = await Promise.all([
      this.vad.load(urls, counters, progress),
      this.stt.load(urls, setting, remembered, counters, progress),
    ]);
    return decision;
  }

  /** Reloads only the speech model, on a different backend. */
  async switchBackend(setting: BackendSetting, onProgress: (progress: LoadProgress) => void): Promise<BackendDecision> {
    const counters = this.ring ? this.counters : null;
    return this.stt.load(modelUrls(), setting, null, counters, Comlink.proxy(onProgress));
  }

  get dictating(): boolean {
    return this.capture !== null;
  }

  async start(deviceId?: string): Promise<MediaStreamTrack> {
    if (this.capture) return this.capture.track;
    const capture = await startCapture(this.ring, deviceId);
    const segments = new MessageChannel();
    try {
      await this.stt.start(
        Comlink.transfer(capture.sources.stt, transferables(capture.sources.stt, segments.port2)),
        segments.port2,
        Comlink.proxy(this.callbacks.onResult),
        Comlink.proxy((message: string) => this.callbacks.onWorkerError('speech recogniser', message)),
      );
      await this.vad.start(
        Comlink.transfer(capture.sources.vad, transferables(capture.sources.vad, segments.port1)),
        segments.port1,
        Comlink.proxy(this.callbacks.onVadStatus),
      );
    } catch (error) {
      await capture.stop();
      throw error;
    }
    this.capture = capture;
    return capture.track;
  }

  /**
   * Stops the microphone at once, then lets the workers finish the audio
   * already captured: the last words still become final text.
   */
  async stop(): Promise<void> {
    const capture = this.capture;
    if (!capture) return;
    this.capture = null;
    await capture.stop();
    await this.vad.finish();
    await this.stt.finish();
    await this.vad.stop();
    await this.stt.stop();
  }

  /** Live figures: read straight from shared memory, or polled from each worker. */
  async stats(): Promise<Int32Array> {
    if (this.ring) return this.counters;
    return mergeSnapshots(await Promise.all([this.vad.statsSnapshot(), this.stt.statsSnapshot()]));
  }

  /** Benchmarks: one clip through the STT worker, outside dictation. */
  transcribeClip(samples: Float32Array): Promise<{ text: string; inferenceMs: number }> {
    return this.stt.transcribeClip(Comlink.transfer(samples, [samples.buffer]));
  }

  /** Benchmarks: Silero's time per frame in the VAD worker. */
  measureVadFrames(samples: Float32Array): Promise<number[]> {
    return this.vad.measureFrames(Comlink.transfer(samples, [samples.buffer]));
  }

  ringWritePosition(): number | null {
    return this.ring ? new AudioRing(this.ring).writePosition() : null;
  }
}

/** A source handle's port (if any) and the extra port travel by transfer, never by copy. */
function transferables(handle: { kind: string; port?: MessagePort }, extra: MessagePort): Transferable[] {
  return handle.kind === 'port' && handle.port ? [handle.port, extra] : [extra];
}
