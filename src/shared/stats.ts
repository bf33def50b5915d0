import { SAMPLE_RATE } from './types';

/**
 * Pipeline figures kept as Int32 counters. When the page is cross-origin
 * isolated the buffer is a SharedArrayBuffer written by the workers with
 * Atomics and read live by the diagnostics panel; otherwise each worker keeps
 * its own copy and the UI polls a snapshot over comlink.
 */
export enum Stat {
  /** Input level of the newest VAD frame, in hundredths of a dBFS (e.g. -4500). */
  LevelCentiDb = 0,
  /** Samples between the ring's write position and the VAD's read position. */
  VadLagSamples = 1,
  /** Mean Silero time per frame, microseconds (exponential average). */
  VadFrameMicros = 2,
  /** Milliseconds of the newest STT call. */
  SttLastInferenceMs = 3,
  /** Audio milliseconds that call transcribed (RTF = inference / audio). */
  SttLastAudioMs = 4,
  /** Samples a consumer wanted but found overwritten, plus the producer's drops. */
  DroppedSamples = 5,
  PartialsEmitted = 6,
  FinalsEmitted = 7,
  /** Partial decodes abandoned because a final arrived. */
  PartialsAbandoned = 8,
  /** 1 = WASM, 2 = WebGPU. */
  Backend = 9,
  Threads = 10,
  /** Samples between the ring's write position and the end of the audio the STT last read. */
  SttLagSamples = 11,
  Speaking = 12,
  /** Bumped by the VAD worker per frame: a busy worker proves it is alive (shared path only). */
  VadProgress = 13,
  /** Bumped by the STT worker per model step (encoder, each decoder token). */
  SttProgress = 14,
}
export const STAT_COUNT = 16;

const SAMPLES_PER_MS = SAMPLE_RATE / 1000;

export function createStatsBuffer(shared: boolean): Int32Array {
  const bytes = STAT_COUNT * 4;
  return new Int32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

export class PipelineStats {
  constructor(readonly counters: Int32Array) {}

  set(stat: Stat, value: number): void {
    Atomics.store(this.counters, stat, Math.round(value) | 0);
  }

  add(stat: Stat, delta: number): void {
    Atomics.add(this.counters, stat, Math.round(delta) | 0);
  }

  get(stat: Stat): number {
    return Atomics.load(this.counters, stat);
  }

  snapshot(): Int32Array {
    return Int32Array.from(this.counters);
  }
}

/** Readable figures derived from a snapshot, for the diagnostics panel. */
export interface StatsView {
  levelDb: number;
  vadLagMs: number;
  vadFrameMs: number;
  lastInferenceMs: number;
  realTimeFactor: number | null;
  droppedSamples: number;
  partials: number;
  finals: number;
  partialsAbandoned: number;
  backend: 'wasm' | 'webgpu' | '—';
  threads: number;
  sttLagMs: number;
  speaking: boolean;
}

export function viewStats(c: Int32Array): StatsView {
  const at = (s: Stat) => c[s] ?? 0;
  const audioMs = at(Stat.SttLastAudioMs);
  const backend = at(Stat.Backend);
  return {
    levelDb: at(Stat.LevelCentiDb) / 100,
    vadLagMs: at(Stat.VadLagSamples) / SAMPLES_PER_MS,
    vadFrameMs: at(Stat.VadFrameMicros) / 1000,
    lastInferenceMs: at(Stat.SttLastInferenceMs),
    realTimeFactor: audioMs > 0 ? at(Stat.SttLastInferenceMs) / audioMs : null,
    droppedSamples: at(Stat.DroppedSamples),
    partials: at(Stat.PartialsEmitted),
    finals: at(Stat.FinalsEmitted),
    partialsAbandoned: at(Stat.PartialsAbandoned),
    backend: backend === 1 ? 'wasm' : backend === 2 ? 'webgpu' : '—',
    threads: at(Stat.Threads),
    sttLagMs: at(Stat.SttLagSamples) / SAMPLES_PER_MS,
    speaking: at(Stat.Speaking) === 1,
  };
}

/** Merges per-worker snapshots on the unshared path: each stat has one writer. */
export function mergeSnapshots(parts: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(STAT_COUNT);
  for (const part of parts) {
    for (let i = 0; i < STAT_COUNT; i++) out[i] = (out[i] ?? 0) + (part[i] ?? 0);
  }
  return out;
}
