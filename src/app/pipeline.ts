import * as Comlink from 'comlink';
import { type Capture, startCapture } from '../audio/capture';
import { AudioRing } from '../audio/ring';
import { SegmentLedger } from '../engine/segment-ledger';
import { createStatsBuffer, mergeSnapshots } from '../shared/stats';
import type {
  AudioSourceHandle,
  BackendDecision,
  BackendSetting,
  LoadProgress,
  ModelUrls,
  TranscriptionResult,
  VadStatusEvent,
} from '../shared/types';
import type { SttApi } from '../workers/stt.worker';
import type { VadApi } from '../workers/vad.worker';
import { SupervisedWorker, WorkerDiedError, type WorkerLabel } from './supervised-worker';

export interface PipelineCallbacks {
  onResult(result: TranscriptionResult): void;
  onVadStatus(event: VadStatusEvent): void;
  /** Something went wrong in a worker that did not stop it (e.g. one decode failed). */
  onWorkerError(worker: WorkerLabel, message: string): void;
  /** A worker failed and is being replaced; `restarts` counts replacements so far. */
  onWorkerRestart(worker: WorkerLabel, reason: string, restarts: number): void;
  /** A worker could not be started three times in a row: dictation cannot go on. */
  onWorkerGaveUp(worker: WorkerLabel, reason: string): void;
}

/** Starting a worker (including loading its model) may fail this many times in a row before we stop trying. */
export const MAX_FAILED_STARTS = 3;

export function modelUrls(): ModelUrls {
  return {
    models: new URL('models/', document.baseURI).href,
    ort: new URL('ort/', document.baseURI).href,
  };
}

/** A source handle's port (if any) and the extra port travel by transfer, never by copy. */
function transferables(handle: AudioSourceHandle, extra: MessagePort): Transferable[] {
  return handle.kind === 'port' ? [handle.port, extra] : [extra];
}

/**
 * Owns the two long-lived workers and the capture, and keeps them going: a
 * worker that fails is replaced, and what it was doing is handed to its
 * replacement from the ring (segments still owed a final, the open segment,
 * the VAD's read position). The UI talks to this, never to `postMessage`.
 */
export class DictationPipeline {
  /** One ring for the page's lifetime when isolated; positions keep growing across dictations. */
  readonly ring: SharedArrayBuffer | null = self.crossOriginIsolated
    ? (AudioRing.create().buffer as SharedArrayBuffer)
    : null;
  readonly counters: Int32Array = createStatsBuffer(self.crossOriginIsolated);
  readonly vad: SupervisedWorker<VadApi>;
  readonly stt: SupervisedWorker<SttApi>;
  private readonly ledger = new SegmentLedger();
  private capture: Capture | null = null;
  private decision: BackendDecision | null = null;
  /** The VAD's newest read position (from its heartbeat): where a replacement resumes. */
  private vadPosition = 0;
  private readonly recovering = new Map<WorkerLabel, Promise<void>>();
  private failedStarts = new Map<WorkerLabel, number>();

  constructor(private readonly callbacks: PipelineCallbacks) {
    const onFailure = (worker: SupervisedWorker<VadApi> | SupervisedWorker<SttApi>, reason: string) =>
      void this.recover(worker.label, reason);
    this.vad = new SupervisedWorker<VadApi>(
      'voice detector',
      () => new Worker(new URL('../workers/vad.worker.ts', import.meta.url), { type: 'module', name: 'utter-vad' }),
      onFailure,
    );
    this.stt = new SupervisedWorker<SttApi>(
      'speech recogniser',
      () => new Worker(new URL('../workers/stt.worker.ts', import.meta.url), { type: 'module', name: 'utter-stt' }),
      onFailure,
    );
  }

  get isolated(): boolean {
    return this.ring !== null;
  }

  private get sharedCounters(): Int32Array | null {
    return this.ring ? this.counters : null;
  }

  async load(
    setting: BackendSetting,
    remembered: BackendDecision | null,
    onProgress: (progress: LoadProgress) => void,
  ): Promise<BackendDecision> {
    const [, decision] = await Promise.all([this.startVad(onProgress), this.startStt(setting, remembered, onProgress)]);
    return decision;
  }

  private async startVad(onProgress?: (progress: LoadProgress) => void): Promise<void> {
    this.vad.spawn();
    await this.vad.call((r) => r.load(modelUrls(), this.sharedCounters, Comlink.proxy(onProgress ?? (() => {}))));
    this.vad.watch(
      (r) => r.ping(),
      (position) => {
        if (position >= 0) this.vadPosition = position;
      },
    );
  }

  private async startStt(
    setting: BackendSetting,
    remembered: BackendDecision | null,
    onProgress?: (progress: LoadProgress) => void,
  ): Promise<BackendDecision> {
    this.stt.spawn();
    const decision = await this.stt.call((r) =>
      r.load(modelUrls(), setting, remembered, this.sharedCounters, Comlink.proxy(onProgress ?? (() => {}))),
    );
    this.decision = decision;
    this.stt.watch((r) => r.ping());
    return decision;
  }

  /** Reloads only the speech model, on a different backend. */
  async switchBackend(setting: BackendSetting, onProgress: (progress: LoadProgress) => void): Promise<BackendDecision> {
    return this.startStt(setting, null, onProgress);
  }

  get dictating(): boolean {
    return this.capture !== null;
  }

  /**
   * Opens the microphone and starts the workers. Returns the track (to watch
   * for unplugging), the context (to watch for suspension) and the absolute
   * sample where this dictation's audio begins.
   */
  async start(deviceId?: string): Promise<{ track: MediaStreamTrack; context: AudioContext; startSample: number }> {
    if (this.capture) throw new Error('Already dictating');
    // Port path: each capture numbers its samples from 0. Shared ring: it continues the page's timeline.
    const startSample = this.ring ? new AudioRing(this.ring).writePosition() : 0;
    const capture = await startCapture(this.ring, deviceId);
    this.ledger.clear();
    this.vadPosition = startSample;
    try {
      await this.connect(capture.sources.vad, capture.sources.stt);
    } catch (error) {
      await capture.stop();
      throw error;
    }
    this.capture = capture;
    return { track: capture.track, context: capture.context, startSample };
  }

  private async connect(vadSource: AudioSourceHandle, sttSource: AudioSourceHandle): Promise<void> {
    const segments = new MessageChannel();
    await this.startTranscribing(sttSource, segments.port2);
    await this.startDetecting(vadSource, segments.port1);
  }

  /** Starts the STT worker on a source, listening for segments on `port`, owed segments replayed first. */
  private startTranscribing(source: AudioSourceHandle, port: MessagePort): Promise<void> {
    return this.stt.call((r) =>
      r.start(
        Comlink.transfer(source, transferables(source, port)),
        port,
        Comlink.proxy((result: TranscriptionResult) => this.onResult(result)),
        Comlink.proxy((message: string) => this.callbacks.onWorkerError('speech recogniser', message)),
        this.ledger.replay(),
      ),
    );
  }

  /** Starts the VAD worker on a source, sending segments to `port`. */
  private startDetecting(
    source: AudioSourceHandle,
    port: MessagePort,
    resume?: { fromSample: number; firstId: number },
  ): Promise<void> {
    return this.vad.call((r) =>
      r.start(
        Comlink.transfer(source, transferables(source, port)),
        port,
        Comlink.proxy((event: VadStatusEvent) => this.onVadStatus(event)),
        resume,
      ),
    );
  }

  private onResult(result: TranscriptionResult): void {
    if (result.kind === 'final') this.ledger.finalReceived(result.segmentId);
    this.callbacks.onResult(result);
  }

  private onVadStatus(event: VadStatusEvent): void {
    if (event.type === 'segment') this.ledger.record(event.event);
    this.callbacks.onVadStatus(event);
  }

  /**
   * Replaces a failed worker. While dictating, the replacement picks up from
   * the ring: the STT gets every segment still owed a final; the VAD resumes
   * at the open segment's start (re-detecting it under a new id) or at its
   * predecessor's last read position.
   */
  private recover(label: WorkerLabel, reason: string): Promise<void> {
    const running = this.recovering.get(label);
    if (running) return running;
    const worker = label === 'voice detector' ? this.vad : this.stt;
    worker.restarts++;
    this.callbacks.onWorkerRestart(label, reason, worker.restarts);
    const work = (async () => {
      let lastError: unknown = reason;
      while ((this.failedStarts.get(label) ?? 0) < MAX_FAILED_STARTS) {
        try {
          if (label === 'voice detector') await this.restartVad();
          else await this.restartStt();
          this.failedStarts.set(label, 0);
          return;
        } catch (error) {
          lastError = error;
          this.failedStarts.set(label, (this.failedStarts.get(label) ?? 0) + 1);
        }
      }
      worker.terminate();
      this.callbacks.onWorkerGaveUp(label, lastError instanceof Error ? lastError.message : String(lastError));
    })().finally(() => this.recovering.delete(label));
    this.recovering.set(label, work);
    return work;
  }

  private async restartStt(): Promise<void> {
    const decision = this.decision;
    // Same backend as before, without measuring again.
    await this.startStt(decision?.backend ?? 'auto', decision);
    const capture = this.capture;
    if (!capture) return;
    const segments = new MessageChannel();
    const source = capture.reconnect('stt');
    await this.vad.call((r) => r.connectStt(Comlink.transfer(segments.port1, [segments.port1])));
    await this.startTranscribing(source, segments.port2);
  }

  private async restartVad(): Promise<void> {
    await this.startVad();
    const capture = this.capture;
    if (!capture) return;
    const resume = this.ledger.vadResumePoint(this.vadPosition);
    if (resume.cancel !== null) {
      this.ledger.cancelOpen();
      const cancel = resume.cancel;
      await this.stt.call((r) => r.segment({ type: 'cancel', id: cancel }));
    }
    const segments = new MessageChannel();
    await this.stt.call((r) => r.connectSegments(Comlink.transfer(segments.port2, [segments.port2])));
    await this.startDetecting(capture.reconnect('vad'), segments.port1, {
      fromSample: resume.fromSample,
      firstId: resume.firstId,
    });
  }

  /**
   * Stops the microphone at once, then lets the workers finish the audio
   * already captured: the last words still become final text, even if a
   * worker has to be replaced on the way.
   */
  async stop(): Promise<void> {
    const capture = this.capture;
    if (!capture) return;
    await capture.stop();
    await this.untilDone(this.vad, (r) => r.finish());
    await this.untilDone(this.stt, (r) => r.finish());
    this.capture = null;
    await this.vad.call((r) => r.stop()).catch(() => {});
    await this.stt.call((r) => r.stop()).catch(() => {});
  }

  /** Calls a worker; if it dies meanwhile, waits for its replacement and calls again. */
  private async untilDone<Api>(
    worker: SupervisedWorker<Api>,
    fn: (remote: Comlink.Remote<Api>) => Promise<unknown>,
  ): Promise<void> {
    for (let attempt = 0; attempt <= MAX_FAILED_STARTS; attempt++) {
      try {
        await worker.call(fn);
        return;
      } catch (error) {
        if (!(error instanceof WorkerDiedError)) throw error;
        await (this.recovering.get(worker.label) ?? Promise.resolve());
      }
    }
  }

  /** Live figures: read straight from shared memory, or polled from each worker. */
  async stats(): Promise<Int32Array> {
    if (this.ring) return this.counters;
    const parts = await Promise.all([
      this.vad.call((r) => r.statsSnapshot()).catch(() => new Int32Array(0)),
      this.stt.call((r) => r.statsSnapshot()).catch(() => new Int32Array(0)),
    ]);
    return mergeSnapshots(parts);
  }

  get restarts(): number {
    return this.vad.restarts + this.stt.restarts;
  }

  /** Benchmarks: one clip through the STT worker, outside dictation. */
  transcribeClip(samples: Float32Array): Promise<{ text: string; inferenceMs: number }> {
    return this.stt.call((r) => r.transcribeClip(Comlink.transfer(samples, [samples.buffer])));
  }

  /** Benchmarks: Silero's time per frame in the VAD worker. */
  measureVadFrames(samples: Float32Array): Promise<number[]> {
    return this.vad.call((r) => r.measureFrames(Comlink.transfer(samples, [samples.buffer])));
  }

  ringWritePosition(): number | null {
    return this.ring ? new AudioRing(this.ring).writePosition() : null;
  }
}
