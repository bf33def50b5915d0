/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { type AudioSource, openAudioSource } from '../audio/source';
import { Segmenter } from '../engine/segmenter';
import { SileroVad, VAD_FRAME_SAMPLES } from '../engine/silero';
import { frameRms, VadStream } from '../engine/vad-stream';
import { periodicYield } from '../engine/yield';
import { createStatsBuffer, PipelineStats, Stat } from '../shared/stats';
import type {
  AudioSourceHandle,
  DetectedSegmentEvent,
  ModelUrls,
  ProgressCallback,
  SegmentSink,
  VadStatusEvent,
} from '../shared/types';
import { fetchWithProgress } from './fetch-progress';
import { createSession, loadOrt } from './ort-runtime';
import { surfaceUnhandledRejections } from './surface-errors';

export const VAD_FILE = 'silero-vad-v5.onnx';
/** How often the shared ring is polled; a 512-sample frame is 32 ms. */
const POLL_MS = 16;

let vad: SileroVad | null = null;
let clipCancelled = false;
let stats = new PipelineStats(createStatsBuffer(false));
let session: {
  source: AudioSource;
  stream: VadStream;
  timer: ReturnType<typeof setInterval>;
  sink: Comlink.Remote<SegmentSink>;
} | null = null;

const api = {
  async load(urls: ModelUrls, counters: Int32Array | null, onProgress: ProgressCallback): Promise<void> {
    if (counters) stats = new PipelineStats(counters);
    if (vad) return;
    const bytes = await fetchWithProgress(urls.models + VAD_FILE, 'voice detector', onProgress);
    // One thread: a frame takes ~0.3 ms, and the STT worker needs the cores.
    const ort = await loadOrt('wasm', urls.ort, 1);
    vad = new SileroVad(ort.Tensor, await createSession(ort, bytes, 'wasm'));
    await vad.probability(new Float32Array(512));
    vad.reset();
  },

  /**
   * Starts detecting speech. A replacement worker passes `resume` to carry on
   * from its predecessor's position and segment numbering.
   */
  start(
    handle: AudioSourceHandle,
    sttPort: MessagePort,
    onStatus: (event: VadStatusEvent) => void,
    resume?: { fromSample: number; firstId: number },
  ): void {
    if (!vad) throw new Error('Voice detector is not loaded yet');
    api.stop();
    const source = openAudioSource(handle, (gap) => stats.add(Stat.DroppedSamples, gap));
    const sink = Comlink.wrap<SegmentSink>(sttPort);
    const stream = new VadStream(
      source.ring,
      vad,
      stats,
      (event) => {
        void session?.sink.segment(event);
        onStatus({ type: 'segment', event });
      },
      (speaking) => onStatus({ type: 'speech', speaking }),
      resume ?? {},
    );
    const timer = setInterval(() => {
      stream.pump().catch(reportAndStop);
    }, POLL_MS);
    session = { source, stream, timer, sink };
  },

  /** Processes the audio already captured and closes any open segment. */
  async finish(): Promise<void> {
    if (!session) return;
    clearInterval(session.timer);
    await session.stream.finish();
  },

  /** The STT worker was replaced: send segments to its new port. */
  connectStt(port: MessagePort): void {
    if (!session) return;
    session.sink[Comlink.releaseProxy]();
    session.sink = Comlink.wrap<SegmentSink>(port);
  },

  /** Heartbeat; answers with the read position so a replacement knows where to resume. */
  ping(): number {
    return session?.stream.readPosition ?? -1;
  },

  stop(): void {
    if (!session) return;
    clearInterval(session.timer);
    session.source.close();
    session.sink[Comlink.releaseProxy]();
    session = null;
  },

  statsSnapshot(): Int32Array {
    return stats.snapshot();
  },

  /**
   * Finds the speech in a whole clip (a transcribed file), as fast as the model
   * runs. Reports progress as a fraction; `cancelClip` stops it early.
   */
  async segmentClip(samples: Float32Array, onProgress: (fraction: number) => void): Promise<DetectedSegmentEvent[]> {
    if (!vad) throw new Error('Voice detector is not loaded yet');
    if (session) throw new Error('Busy dictating');
    clipCancelled = false;
    const segmenter = new Segmenter();
    const events: DetectedSegmentEvent[] = [];
    const frame = new Float32Array(VAD_FRAME_SAMPLES);
    vad.reset();
    let reported = 0;
    const breathe = periodicYield();
    for (let at = 0; at + VAD_FRAME_SAMPLES <= samples.length; at += VAD_FRAME_SAMPLES) {
      await breathe();
      if (clipCancelled) throw new DOMException('Cancelled', 'AbortError');
      frame.set(samples.subarray(at, at + VAD_FRAME_SAMPLES));
      const probability = await vad.probability(frame);
      events.push(...segmenter.push(at, probability, frameRms(frame)));
      if (at - reported > 16000 * 10) {
        reported = at;
        onProgress(at / samples.length);
      }
    }
    events.push(...segmenter.flush());
    vad.reset();
    onProgress(1);
    return events;
  },

  cancelClip(): void {
    clipCancelled = true;
  },

  /** Milliseconds Silero takes per 512-sample frame of `samples` (benchmarks). */
  async measureFrames(samples: Float32Array): Promise<number[]> {
    if (!vad) throw new Error('Voice detector is not loaded yet');
    if (session) throw new Error('Busy dictating');
    const times: number[] = [];
    vad.reset();
    for (let at = 0; at + 512 <= samples.length; at += 512) {
      const t0 = performance.now();
      await vad.probability(samples.slice(at, at + 512));
      times.push(performance.now() - t0);
    }
    vad.reset();
    return times;
  },
};

function reportAndStop(error: unknown): void {
  api.stop();
  // Surfaces as the worker's `error` event, which the app reports.
  setTimeout(() => {
    throw error;
  });
}

export type VadApi = typeof api;
surfaceUnhandledRejections(self);
Comlink.expose(api);
