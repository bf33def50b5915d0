/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { AudioRing } from '../audio/ring';
import { type AudioSource, openAudioSource } from '../audio/source';
import { DecodeBiasing } from '../engine/short-segment';
import { type TranscribeRequest, TranscriptionScheduler } from '../engine/stt-scheduler';
import { biasTokenizer } from '../engine/tokenizer';
import { RingTranscriber } from '../engine/transcriber';
import { createStatsBuffer, PipelineStats, Stat } from '../shared/stats';
import type {
  AudioSourceHandle,
  BackendDecision,
  BackendSetting,
  LoadMode,
  ModelUrls,
  ProgressCallback,
  SegmentEvent,
  TranscriptionResult,
  VocabularyTerms,
} from '../shared/types';
import { holdLifeLock } from './life-lock';
import { compiledRuntimes } from './ort-runtime';
import { sttBenchCalls } from './stt-bench-calls';
import { type LoadedStt, loadStt } from './stt-loader';
import { surfaceUnhandledRejections } from './surface-errors';

/** Moonshine speech-to-text. Created once per page; models load once. */
let loaded: LoadedStt | null = null;
/** Dictation's bias: the listed terms, and the voice commands while they are on (see setVocabulary). */
let biasing = DecodeBiasing.build([], true, biasTokenizer);
/** A file's, and the model's own for decodes that name none: the listed terms only (a file is not read for commands). */
let fileBiasing = DecodeBiasing.build([], false, biasTokenizer);
let stats = new PipelineStats(createStatsBuffer(false));
let clipCancelled = false;
/**
 * A file being transcribed: its audio in a ring of its own, which a
 * RingTranscriber reads as dictation's does (a segment may begin in an
 * earlier chunk), with counters of its own: a file is not the dictation's audio.
 */
let clip: { ring: AudioRing; transcriber: RingTranscriber; keepFrom: number } | null = null;
/**
 * A file's ring holds a chunk (CHUNK_SAMPLES in file-transcription.ts, 30 s)
 * and the audio before it that a segment ending in it may begin in
 * (`keepFrom`, up to 21.6 s): 65.5 s, 4 MB.
 */
const CLIP_RING_SAMPLES = 1 << 20;
let session: { source: AudioSource; scheduler: TranscriptionScheduler } | null = null;

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
    mode: LoadMode,
  ): Promise<BackendDecision> {
    if (counters) stats = new PipelineStats(counters);
    // Called once per worker: a different backend gets a fresh worker (see DictationPipeline.switchBackend).
    loaded = await loadStt(urls, setting, remembered, mode, onProgress);
    loaded.model.biasing = fileBiasing.forSamples(Number.POSITIVE_INFINITY);
    stats.set(Stat.Backend, loaded.decision.backend === 'webgpu' ? 2 : 1);
    stats.set(Stat.Threads, loaded.decision.threads);
    return loaded.decision;
  },

  /**
   * Starts transcribing. Segment events arrive through `segment()`, from the
   * main thread, in the order it recorded them; `replay` holds what a
   * replaced worker still owed (finals first, then the open segment).
   */
  start(
    handle: AudioSourceHandle,
    onResult: (result: TranscriptionResult) => void,
    onError: (message: string) => void,
    replay: SegmentEvent[] = [],
  ): void {
    if (!loaded) throw new Error('Speech model is not loaded yet');
    api.stop();
    const source = openAudioSource(handle, (gap) => stats.add(Stat.DroppedSamples, gap));
    const transcriber = new RingTranscriber(source.ring, loaded.model, stats, () => biasing);
    const scheduler = new TranscriptionScheduler({
      now: () => performance.now(),
      writePosition: () => source.ring.writePosition(),
      transcribe: async (request: TranscribeRequest) => {
        if (request.kind === 'final') await waitForAudio(source, request.endSample);
        return transcriber.transcribe(request);
      },
      emit: (result) => {
        stats.add(result.kind === 'partial' ? Stat.PartialsEmitted : Stat.FinalsEmitted, 1);
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
    session = { source, scheduler };
    // Answer, then transcribe: a replay's first decode would otherwise begin inside this call (its
    // encoder step runs synchronously) and hold the answer back until that step was done (150–310 ms).
    setTimeout(() => {
      if (session?.scheduler === scheduler) scheduler.start();
    });
  },

  /** A segment event, passed on by the main thread. */
  segment(event: SegmentEvent): void {
    session?.scheduler.segment(event);
  },

  /**
   * Transcribes a file's speech segments, one chunk of 16 kHz audio at a time,
   * in order. `samples` starts at absolute sample `start` and follows the
   * previous chunk; `segments` are those the voice detector ended up to this
   * chunk's end, and may begin in audio sent before, as far back as
   * `keepFrom` of the previous call: the file's ring must still hold that
   * audio once the next chunk is in (checked then). `onSegment`
   * receives each result as it is ready; `cancelClip` stops early.
   */
  async transcribeSegments(
    samples: Float32Array,
    start: number,
    segments: { id: number; startSample: number; endSample: number }[],
    onSegment: (result: { id: number; text: string; startSample: number; endSample: number }) => void,
    options: { first: boolean; last: boolean; keepFrom: number },
  ): Promise<void> {
    if (!loaded) throw new Error('Speech model is not loaded yet');
    if (session) throw new Error('Busy dictating');
    if (options.first) {
      // Only a new file clears a cancellation: one sent before a later chunk arrives still counts.
      clipCancelled = false;
      const ring = AudioRing.create(CLIP_RING_SAMPLES, false);
      ring.startAt(start);
      // Read as a dictated sentence's final is (no live text, no commands), so a file reads as it would be dictated.
      const counters = new PipelineStats(createStatsBuffer(false));
      clip = {
        ring,
        transcriber: new RingTranscriber(ring, loaded.model, counters, () => fileBiasing),
        keepFrom: start,
      };
    }
    const state = clip;
    if (!state || state.ring.writePosition() !== start) throw new Error('File chunks arrived out of order');
    state.ring.write(samples);
    const held = { from: state.ring.oldestAvailable(), to: state.ring.writePosition() };
    // What the last chunk asked to keep must have survived this one.
    if (held.from > state.keepFrom) {
      throw new Error(
        `A file's ring held too little: audio from ${state.keepFrom} was needed, it holds ${held.from} on`,
      );
    }
    state.keepFrom = Math.max(options.keepFrom, held.from);
    for (const segment of segments) {
      if (clipCancelled) throw new DOMException('Cancelled', 'AbortError');
      if (segment.startSample < held.from || segment.endSample > held.to) {
        throw new Error(`Segment ${segment.id} lies outside the audio held (${held.from}–${held.to})`);
      }
      const outcome = await state.transcriber.transcribe({
        kind: 'final',
        segmentId: segment.id,
        startSample: segment.startSample,
        endSample: segment.endSample,
        shouldContinue: () => !clipCancelled,
      });
      if (outcome.aborted) throw new DOMException('Cancelled', 'AbortError');
      onSegment({ ...segment, text: outcome.text });
    }
    if (options.last) clip = null;
  },

  cancelClip(): void {
    clipCancelled = true;
    clip = null;
  },

  /**
   * The person's listed terms (the Vocabulary setting): every decode from
   * now on leans towards them, and dictation's towards the voice commands
   * too while `commands` is on (every command on short segments, the inline
   * marks on longer ones). Sent again whenever either changes and to every
   * new worker; may arrive before the model has loaded.
   */
  setVocabulary(terms: VocabularyTerms, commands = true): void {
    biasing = DecodeBiasing.build(terms, commands, biasTokenizer);
    fileBiasing = DecodeBiasing.build(terms, false, biasTokenizer);
    if (loaded) loaded.model.biasing = fileBiasing.forSamples(Number.POSITIVE_INFINITY);
  },

  /** Heartbeat. */
  ping(): number {
    return 0;
  },

  /** The runtime this worker compiled, for the page to give its replacements. */
  compiledRuntimes,

  holdLifeLock,

  stop(): void {
    if (!session) return;
    session.scheduler.stop();
    session.source.close();
    session = null;
  },

  statsSnapshot(): Int32Array {
    return stats.snapshot();
  },
};

const benchCalls = () => sttBenchCalls({ model: () => loaded?.model ?? null, dictating: () => session !== null });

export type SttApi = typeof api;
/** What the bench build's worker answers. */
export type SttBenchApi = typeof api & ReturnType<typeof benchCalls>;
surfaceUnhandledRejections(self);
Comlink.expose(__BENCH__ ? { ...api, ...benchCalls() } : api);
