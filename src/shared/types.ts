/**
 * Every message and RPC surface that crosses a thread boundary, in one place.
 * Worker APIs are typed from the worker modules themselves (`typeof vadApi`),
 * and the payloads they exchange are declared here.
 */
import type { ResamplerDesign } from '../audio/resampler';

/** The rate every thread after the worklet works at: what Silero and Moonshine expect. */
export const SAMPLE_RATE = 16000;

/** The two long-lived model workers. Ids for logic; display text lives in the UI. */
export type WorkerId = 'vad' | 'stt';

/** Where a consumer finds the 16 kHz audio. */
export type AudioSourceHandle =
  /** Cross-origin isolated: the worklet writes straight into this shared ring. */
  | { kind: 'shared'; ring: SharedArrayBuffer }
  /** Not isolated: the worklet posts batched chunks on this port (see `AudioChunk`). */
  | { kind: 'port'; port: MessagePort };

/** Batched audio posted by the worklet on the fallback path. */
export interface AudioChunk {
  /** Absolute index of `samples[0]` in the capture's 16 kHz timeline. */
  start: number;
  samples: Float32Array;
}

/** Name the capture AudioWorkletProcessor registers under. */
export const CAPTURE_PROCESSOR = 'utter-capture';

/** What the worklet needs at construction (via `processorOptions`). */
export interface CaptureProcessorOptions {
  /** Present when the page is cross-origin isolated. */
  ring: SharedArrayBuffer | null;
  /** Samples per posted chunk on the port path. */
  chunkSamples: number;
  /**
   * The resampling filter for the context's rate, built on the main thread
   * while idle; absent for an unusual rate, which the worklet then builds.
   */
  filter: ResamplerDesign | null;
}

/** Messages the main thread sends to the worklet over `node.port`. */
export type CaptureControl =
  /** Build the filter tables and buffers (kept out of the constructor, which the main thread waits for). */
  | { type: 'prepare' }
  | { type: 'connect-ports'; ports: MessagePort[] }
  /**
   * A consumer was replaced (its worker restarted): send its chunks here from
   * now on, starting with the audio from `fromSample` that the worklet still
   * holds, so the replacement can finish what its predecessor had not.
   */
  | { type: 'replace-port'; index: number; port: MessagePort; fromSample: number }
  | { type: 'stop' };

/** A speech segment found by the VAD, addressed by absolute sample index. */
export type DetectedSegmentEvent =
  | { type: 'start'; id: number; startSample: number }
  | {
      type: 'end';
      id: number;
      startSample: number;
      endSample: number;
      reason: 'silence' | 'split' | 'flush';
    };

/** What the STT worker hears about segments: detections, plus cancellations. */
export type SegmentEvent =
  | DetectedSegmentEvent
  /**
   * The speaker paused: if the pause lasts, the segment will end exactly at
   * `endSample`. The STT worker decodes that range during the hangover, so the
   * final is ready the moment the end is confirmed.
   */
  | { type: 'pause'; id: number; startSample: number; endSample: number }
  /**
   * The speaker fell silent (`quiet`), or spoke again before the segment
   * ended: while quiet, the STT worker starts no partial, so no partial
   * started in the silence holds the model when the early decode of a
   * 'pause' wants it.
   */
  | { type: 'quiet'; id: number; quiet: boolean }
  /** The segment will never end (its VAD worker was replaced); it is re-detected under a new id. */
  | { type: 'cancel'; id: number };

export interface TranscriptionResult {
  /** 'gap': the segment's audio could not be transcribed (failed decodes, or Stop ran out of time). */
  kind: 'partial' | 'final' | 'gap';
  segmentId: number;
  text: string;
  startSample: number;
  endSample: number;
  /** Wall time of the model call(s) that produced this text. */
  inferenceMs: number;
  /** Samples of the range that had already been overwritten in the ring. */
  lostSamples: number;
}

export type BackendName = 'wasm' | 'webgpu';
export type BackendSetting = 'auto' | BackendName;

/** What the STT worker chose and why, shown in diagnostics and remembered by the app. */
export interface BackendDecision {
  backend: BackendName;
  threads: number;
  reason: string;
  /** Per-backend milliseconds for the probe decode, when a measurement was made. */
  measuredMs?: Partial<Record<BackendName, number>>;
  adapter?: string;
}

export interface LoadProgress {
  /** Which file, for the status line. */
  label: string;
  loaded: number;
  total: number;
  done: boolean;
  /** Served from the service worker's offline copy rather than the network. */
  fromCache?: boolean;
}

export interface ModelUrls {
  /** Absolute URL of the directory holding the .onnx files. */
  models: string;
  /** Absolute URL of the directory holding onnxruntime-web's .mjs/.wasm. */
  ort: string;
  /**
   * onnxruntime's WebAssembly as an earlier worker of this page compiled it,
   * by file name: a replacement worker instantiates it instead of compiling
   * 14 MB again, and starts on code the browser has already optimised.
   */
  compiledRuntimes: CompiledRuntimes;
}

/** Compiled WebAssembly modules by file name (structured-cloneable between a page and its workers). */
export type CompiledRuntimes = Record<string, WebAssembly.Module>;

/** The model files in `ModelUrls.models`. */
export const MODEL_FILES = {
  silero: 'silero-vad-v5.onnx',
  moonshineEncoder: 'moonshine-tiny-encoder.onnx',
  moonshineDecoder: 'moonshine-tiny-decoder-merged.onnx',
} as const;

/** Model file bytes by file name, fetched by the page for a worker (transferred, never copied). */
export type ModelFiles = Record<string, Uint8Array>;

/**
 * Why a model worker loads. The page's first load (and a Retry, or a backend
 * switch) warms each model up on quiet noise, so the person's first utterance
 * is as fast as the rest. A replacement for a worker that failed has owed
 * audio waiting, whose first decode pays that first-run cost anyway, so it
 * warms nothing up; and it builds its sessions from the files the page
 * fetched while it started (a file missing there, it fetches itself).
 */
export type LoadMode = { kind: 'first' } | { kind: 'replacement'; files: ModelFiles };

/**
 * VAD worker → main. Segment events go to the STT worker through the main
 * thread, which records them first: one ordered path, so the record of what
 * the STT was told is exact when either worker has to be replaced. `seq`
 * numbers every event of one VAD worker, so Stop can wait for the last one.
 */
export type VadStatusEvent =
  | { type: 'speech'; speaking: boolean; seq: number }
  | { type: 'segment'; event: SegmentEvent; seq: number };

export type ProgressCallback = (progress: LoadProgress) => void;

/**
 * Main → STT worker: the words and phrases of the Vocabulary setting that
 * the decoder leans towards, as the person listed them (one per line).
 */
export type VocabularyTerms = readonly string[];
