/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { type AudioSource, openAudioSource } from '../audio/source';
import { hasSecondLook, secondLook } from '../engine/second-look';
import { ScoringAbandoned } from '../engine/sequence-scorer';
import { DecodeBiasing } from '../engine/short-segment';
import { anchorToSpeech } from '../engine/speech-anchor';
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
/** A file's recent audio (absolute 16 kHz sample `start` on): a segment may begin in an earlier chunk. */
let clipAudio: { start: number; samples: Float32Array } | null = null;
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
   * `keepFrom` of the previous call. Audio from `keepFrom` on is kept for the
   * next call. `onSegment` receives each result as it is ready; `cancelClip`
   * stops early.
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
      clipAudio = null;
    }
    const held = clipAudio ?? { start, samples: new Float32Array(0) };
    if (held.start + held.samples.length !== start) throw new Error('File chunks arrived out of order');
    const audio = new Float32Array(held.samples.length + samples.length);
    audio.set(held.samples);
    audio.set(samples, held.samples.length);
    const end = held.start + audio.length;
    for (const segment of segments) {
      if (clipCancelled) throw new DOMException('Cancelled', 'AbortError');
      if (segment.startSample < held.start || segment.endSample > end) {
        throw new Error(`Segment ${segment.id} lies outside the audio held (${held.start}–${end})`);
      }
      const whole = audio.subarray(segment.startSample - held.start, segment.endSample - held.start);
      // Cut as dictation cuts it (see RingTranscriber), so a file reads as it would be dictated.
      const cut = anchorToSpeech(whole);
      const range = whole.slice(cut.start, cut.end);
      const shouldContinue = () => !clipCancelled;
      const result = await loaded.model.decode(range, {
        shouldContinue,
        biasing: fileBiasing.forSamples(range.length),
        keepEncoding: hasSecondLook(range.length),
      });
      if (result.aborted) throw new DOMException('Cancelled', 'AbortError');
      // As dictation does: a short segment ended at once gets its words back (no commands in files).
      const look = { audio: range, result, rescue: null, model: loaded.model, shouldContinue };
      const text = await secondLook(look).catch((error: unknown) => {
        throw error instanceof ScoringAbandoned ? new DOMException('Cancelled', 'AbortError') : error;
      });
      onSegment({ ...segment, text });
    }
    const keepFrom = Math.min(Math.max(options.keepFrom, held.start), end);
    clipAudio = options.last ? null : { start: keepFrom, samples: audio.slice(keepFrom - held.start) };
  },

  cancelClip(): void {
    clipCancelled = true;
    clipAudio = null;
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
