/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { type AudioSource, openAudioSource } from '../audio/source';
import { type TranscribeRequest, TranscriptionScheduler } from '../engine/stt-scheduler';
import { detokenize } from '../engine/tokenizer';
import { RingTranscriber } from '../engine/transcriber';
import { createStatsBuffer, PipelineStats, Stat } from '../shared/stats';
import type {
  AudioSourceHandle,
  BackendDecision,
  BackendSetting,
  ModelUrls,
  ProgressCallback,
  SegmentEvent,
  SegmentSink,
  TranscriptionResult,
} from '../shared/types';
import { type LoadedStt, loadStt } from './stt-loader';
import { surfaceUnhandledRejections } from './surface-errors';

/** Moonshine speech-to-text. Created once per page; models load once. */
let loaded: LoadedStt | null = null;
let stats = new PipelineStats(createStatsBuffer(false));
let clipCancelled = false;
let session: { source: AudioSource; scheduler: TranscriptionScheduler; ports: MessagePort[] } | null = null;

/** Finals can name audio the VAD has seen a moment before this worker's port copy arrived. */
async function waitForAudio(source: AudioSource, end: number, timeoutMs = 500): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (source.ring.writePosition() < end && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const api = {
  async load(
    urls: ModelUrls,
    setting: BackendSetting,
    remembered: BackendDecision | null,
    counters: Int32Array | null,
    onProgress: ProgressCallback,
  ): Promise<BackendDecision> {
    if (counters) stats = new PipelineStats(counters);
    if (loaded) {
      for (const s of loaded.sessions) await s.release();
      loaded = null;
    }
    loaded = await loadStt(urls, setting, remembered, onProgress);
    stats.set(Stat.Backend, loaded.decision.backend === 'webgpu' ? 2 : 1);
    stats.set(Stat.Threads, loaded.decision.threads);
    return loaded.decision;
  },

  /** Starts transcribing segments that the VAD announces on `segmentPort`. */
  start(
    handle: AudioSourceHandle,
    segmentPort: MessagePort,
    onResult: (result: TranscriptionResult) => void,
    onError: (message: string) => void,
    /** Segments a replaced worker still owed (finals first, then the open one). */
    replay: SegmentEvent[] = [],
  ): void {
    if (!loaded) throw new Error('Speech model is not loaded yet');
    api.stop();
    const source = openAudioSource(handle, (gap) => stats.add(Stat.DroppedSamples, gap));
    const transcriber = new RingTranscriber(source.ring, loaded.model, stats);
    const scheduler = new TranscriptionScheduler({
      now: () => performance.now(),
      writePosition: () => source.ring.writePosition(),
      transcribe: async (request: TranscribeRequest) => {
        if (request.kind === 'final') await waitForAudio(source, request.endSample);
        return transcriber.transcribe(request);
      },
      emit: (result) => {
        stats.add(result.kind === 'final' ? Stat.FinalsEmitted : Stat.PartialsEmitted, 1);
        onResult(result);
      },
      onPartialAbandoned: () => stats.add(Stat.PartialsAbandoned, 1),
      onError: (error, request) =>
        onError(
          `${request.kind === 'final' ? 'A sentence' : 'Live text'} could not be transcribed: ${
            error instanceof Error ? error.message : String(error)
          }`,
        ),
    });
    for (const event of replay) scheduler.segment(event);
    const sink: SegmentSink = { segment: (event) => scheduler.segment(event) };
    Comlink.expose(sink, segmentPort);
    scheduler.start();
    session = { source, scheduler, ports: [segmentPort] };
  },

  /** The VAD worker was replaced: listen for segments on its new port. */
  connectSegments(port: MessagePort): void {
    if (!session) return;
    const scheduler = session.scheduler;
    const sink: SegmentSink = { segment: (event) => scheduler.segment(event) };
    Comlink.expose(sink, port);
    session.ports.push(port);
  },

  /** A segment event from the main thread (a cancellation after a VAD restart). */
  segment(event: SegmentEvent): void {
    session?.scheduler.segment(event);
  },

  /**
   * Transcribes the speech segments of a whole clip (a file), in order.
   * `onSegment` receives each result as it is ready; `cancelClip` stops early.
   */
  async transcribeSegments(
    samples: Float32Array,
    segments: { id: number; startSample: number; endSample: number }[],
    onSegment: (result: { id: number; text: string; startSample: number; endSample: number }) => void,
  ): Promise<void> {
    if (!loaded) throw new Error('Speech model is not loaded yet');
    if (session) throw new Error('Busy dictating');
    clipCancelled = false;
    for (const segment of segments) {
      if (clipCancelled) throw new DOMException('Cancelled', 'AbortError');
      const audio = samples.slice(segment.startSample, segment.endSample);
      const result = await loaded.model.decode(audio, { shouldContinue: () => !clipCancelled });
      if (result.aborted) throw new DOMException('Cancelled', 'AbortError');
      onSegment({ ...segment, text: detokenize(result.tokens) });
    }
  },

  cancelClip(): void {
    clipCancelled = true;
  },

  /** Heartbeat. */
  ping(): number {
    return 0;
  },

  /** Resolves when every segment the VAD has ended so far has its final text. */
  async finish(): Promise<void> {
    await session?.scheduler.idle();
  },

  stop(): void {
    if (!session) return;
    session.scheduler.stop();
    session.source.close();
    for (const port of session.ports) port.close();
    session = null;
  },

  statsSnapshot(): Int32Array {
    return stats.snapshot();
  },

  /**
   * Transcribes one clip outside dictation (benchmarks, diagnostics). Refused
   * while dictating: one session must not run two decodes at once.
   */
  async transcribeClip(samples: Float32Array): Promise<{ text: string; inferenceMs: number }> {
    if (!loaded) throw new Error('Speech model is not loaded yet');
    if (session) throw new Error('Busy dictating');
    const t0 = performance.now();
    const result = await loaded.model.decode(samples);
    return { text: detokenize(result.tokens), inferenceMs: performance.now() - t0 };
  },
};

export type SttApi = typeof api;
surfaceUnhandledRejections(self);
Comlink.expose(api);
