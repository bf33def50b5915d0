/**
 * Every message and RPC surface that crosses a thread boundary, in one place.
 * Worker APIs are typed from the worker modules themselves (`typeof vadApi`),
 * and the payloads they exchange are declared here.
 */

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
}

/** Messages the main thread sends to the worklet over `node.port`. */
export type CaptureControl =
  | { type: 'connect-ports'; ports: MessagePort[] }
  /** A consumer was replaced (its worker restarted): send its chunks here from now on. */
  | { type: 'replace-port'; index: number; port: MessagePort }
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
  /** The segment will never end (its VAD worker was replaced); it is re-detected under a new id. */
  | { type: 'cancel'; id: number };

/** The STT worker's side of the VAD → STT port. */
export interface SegmentSink {
  segment(event: SegmentEvent): void;
}

export interface TranscriptionResult {
  kind: 'partial' | 'final';
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
}

/** VAD worker → main: what the status line needs. */
export type VadStatusEvent = { type: 'speech'; speaking: boolean } | { type: 'segment'; event: SegmentEvent };

export type ProgressCallback = (progress: LoadProgress) => void;
