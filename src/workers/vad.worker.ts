/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { AudioRing, DEFAULT_RING_CAPACITY } from '../audio/ring';
import { type AudioSource, openAudioSource } from '../audio/source';
import { WASM_GRAPH_OPTIMIZATION } from '../engine/onnx';
import { SileroVad, VAD_FRAME_SAMPLES } from '../engine/silero';
import { VadStream } from '../engine/vad-stream';
import { periodicYield } from '../engine/yield';
import { createStatsBuffer, PipelineStats, Stat } from '../shared/stats';
import {
  type AudioSourceHandle,
  type DetectedSegmentEvent,
  type LoadMode,
  MODEL_FILES,
  type ModelUrls,
  type ProgressCallback,
  type VadStatusEvent,
} from '../shared/types';
import { modelBytes, releaseBytes } from './fetch-progress';
import { holdLifeLock } from './life-lock';
import { compiledRuntimes, createSession, loadOrt } from './ort-runtime';
import { surfaceUnhandledRejections } from './surface-errors';
import { vadBenchCalls } from './vad-bench-calls';

/** How often the shared ring is polled; a 512-sample frame is 32 ms. */
const POLL_MS = 16;

let vad: SileroVad | null = null;
let clipCancelled = false;
/**
 * A file being segmented chunk by chunk: each chunk goes into a ring of its
 * own, which a VadStream reads as dictation's does, its state carried across
 * chunks. Its counters are its own too: a file is not the dictation's audio.
 */
let clip: { ring: AudioRing; stream: VadStream; events: DetectedSegmentEvent[]; ragged: boolean } | null = null;
let stats = new PipelineStats(createStatsBuffer(false));
/** Numbers every event this worker sends (see `VadStatusEvent`). */
let seq = 0;
let session: {
  source: AudioSource;
  stream: VadStream;
  timer: ReturnType<typeof setInterval>;
} | null = null;

const api = {
  async load(
    urls: ModelUrls,
    counters: Int32Array | null,
    onProgress: ProgressCallback,
    mode: LoadMode,
  ): Promise<void> {
    if (counters) stats = new PipelineStats(counters);
    if (vad) return;
    const bytes = await modelBytes(urls, MODEL_FILES.silero, 'voice detector', mode, onProgress);
    // One thread: a frame takes ~0.3 ms, and the STT worker needs the cores.
    const ort = await loadOrt('wasm', urls.ort, 1, urls.compiledRuntimes);
    vad = new SileroVad(ort.Tensor, await createSession(ort, bytes, 'wasm', WASM_GRAPH_OPTIMIZATION.silero));
    releaseBytes(bytes);
    // The first frame's first-run cost, paid before the person speaks; a replacement's backlog pays it anyway.
    if (mode.kind === 'first') await vad.probability(new Float32Array(512));
    vad.reset();
  },

  /**
   * Starts detecting speech. Every event goes to `onStatus`, numbered; the
   * main thread records segment events and passes them on to the STT worker.
   * `resume` says where to begin reading, the first segment id and the floor:
   * the dictation's first sample, or where a replaced worker's predecessor
   * left off (SegmentLedger.vadResumePoint).
   */
  start(
    handle: AudioSourceHandle,
    onStatus: (event: VadStatusEvent) => void,
    resume?: { fromSample: number; firstId: number; floorSample: number },
  ): void {
    if (!vad) throw new Error('Voice detector is not loaded yet');
    api.stop();
    const source = openAudioSource(handle, (gap) => stats.add(Stat.DroppedSamples, gap));
    const stream = new VadStream(
      source.ring,
      vad,
      stats,
      (event) => onStatus({ type: 'segment', event, seq: ++seq }),
      (speaking) => onStatus({ type: 'speech', speaking, seq: ++seq }),
      resume ?? {},
    );
    const timer = setInterval(() => {
      stream.pump().catch(reportAndStop);
    }, POLL_MS);
    session = { source, stream, timer };
  },

  /**
   * Processes the audio already captured and closes any open segment.
   * Resolves with the number of the last event sent, so the caller can wait
   * until it has seen every one.
   */
  async finish(): Promise<number> {
    if (!session) return seq;
    clearInterval(session.timer);
    await session.stream.finish();
    return seq;
  },

  /** Heartbeat; answers with the read position so a replacement knows where to resume. */
  ping(): number {
    return session?.stream.readPosition ?? -1;
  },

  /** The runtime this worker compiled, for the page to give its replacements. */
  compiledRuntimes,

  holdLifeLock,

  stop(): void {
    if (!session) return;
    clearInterval(session.timer);
    session.source.close();
    session = null;
  },

  statsSnapshot(): Int32Array {
    return stats.snapshot();
  },

  /**
   * Finds the speech in a file, one chunk of 16 kHz audio at a time, as fast
   * as the model runs. Chunks must follow each other (`start` is the absolute
   * sample of `samples[0]`); the first resets the state, and `last` ends any
   * open segment. Every chunk but the last must be whole 512-sample frames.
   * Returns the chunk's events and hands the audio back (transferred) for the
   * speech recogniser. `cancelClip` stops it early.
   */
  async segmentClip(
    samples: Float32Array,
    start: number,
    options: { first: boolean; last: boolean },
  ): Promise<{ events: DetectedSegmentEvent[]; samples: Float32Array }> {
    if (!vad) throw new Error('Voice detector is not loaded yet');
    if (session) throw new Error('Busy dictating');
    if (options.first) {
      // Only a new file clears a cancellation: one sent before a later chunk arrives still counts.
      clipCancelled = false;
      clip = startClip(vad, start);
    }
    const state = clip;
    if (!state || state.ring.writePosition() !== start) throw new Error('File chunks arrived out of order');
    if (state.ragged && samples.length > 0) throw new Error('Only the last file chunk may end in a partial frame');
    // The stream reads every whole frame before the next chunk: a chunk the ring cannot hold would lose audio.
    if (samples.length > state.ring.capacity - VAD_FRAME_SAMPLES) {
      throw new Error('A file chunk is longer than its ring');
    }
    state.ring.write(samples);
    state.ragged = samples.length % VAD_FRAME_SAMPLES !== 0;
    if (options.last) {
      await state.stream.finish();
      vad.reset();
      clip = null;
    } else {
      await state.stream.pump();
    }
    const events = state.events.splice(0);
    return Comlink.transfer({ events, samples }, [samples.buffer]);
  },

  cancelClip(): void {
    clipCancelled = true;
    clip = null;
  },
};

/** A file's reader: Silero and the segmenter over a ring of its own, which holds a chunk (CHUNK_SAMPLES, 30 s). */
function startClip(detector: SileroVad, start: number): NonNullable<typeof clip> {
  const ring = AudioRing.create(DEFAULT_RING_CAPACITY, false);
  ring.startAt(start);
  const events: DetectedSegmentEvent[] = [];
  const breathe = periodicYield();
  const stream = new VadStream(
    ring,
    detector,
    new PipelineStats(createStatsBuffer(false)),
    // The hints to the speech worker (pause, quiet) are for dictation; a file is decoded segment by segment.
    (event) => {
      if (event.type === 'start' || event.type === 'end') events.push(event);
    },
    () => {},
    {
      fromSample: start,
      beforeFrame: async () => {
        await breathe();
        if (clipCancelled) throw new DOMException('Cancelled', 'AbortError');
      },
    },
  );
  return { ring, stream, events, ragged: false };
}

function reportAndStop(error: unknown): void {
  api.stop();
  // Surfaces as the worker's `error` event, which the app reports.
  setTimeout(() => {
    throw error;
  });
}

const benchCalls = () => vadBenchCalls({ vad: () => vad, dictating: () => session !== null });

export type VadApi = typeof api;
/** What the bench build's worker answers. */
export type VadBenchApi = typeof api & ReturnType<typeof benchCalls>;
surfaceUnhandledRejections(self);
Comlink.expose(__BENCH__ ? { ...api, ...benchCalls() } : api);
