import { readFileSync } from 'node:fs';
import wavefile from 'wavefile';

export const SAMPLE_RATE = 16000;
/** Samples per millisecond at 16 kHz. */
export const PER_MS = SAMPLE_RATE / 1000;

/** 16 kHz mono WAV as float samples in [-1, 1]. */
export function readWav16k(path: string): Float32Array {
  const wav = new wavefile.WaveFile(readFileSync(path));
  const fmt = wav.fmt as { sampleRate: number; numChannels: number };
  if (fmt.sampleRate !== SAMPLE_RATE || fmt.numChannels !== 1) {
    throw new Error(`${path}: expected 16 kHz mono, got ${fmt.sampleRate} Hz × ${fmt.numChannels}`);
  }
  wav.toBitDepth('32f');
  return wav.getSamples(false, Float32Array) as unknown as Float32Array;
}

/** Half-open sample range [start, end). */
export interface Region {
  start: number;
  end: number;
}

export interface RegionOptions {
  frameMs: number;
  /** Frame RMS at or above this is "sound" (the fixtures' silences are digital, ~1e-5). */
  threshold: number;
  /** Quieter stretches shorter than this are pauses inside an utterance. */
  minGapMs: number;
  /** Sound shorter than this is a click, not an utterance. */
  minSoundMs: number;
}

const DEFAULT_REGION_OPTIONS: RegionOptions = { frameMs: 10, threshold: 0.002, minGapMs: 500, minSoundMs: 200 };

/** Utterances by a plain energy threshold: one region per sentence in the fixtures. */
export function speechRegions(samples: Float32Array, options: Partial<RegionOptions> = {}): Region[] {
  const o = { ...DEFAULT_REGION_OPTIONS, ...options };
  const frame = Math.round(o.frameMs * PER_MS);
  const loud: Region[] = [];
  for (let at = 0; at + frame <= samples.length; at += frame) {
    let energy = 0;
    for (let i = at; i < at + frame; i++) {
      const v = samples[i] as number;
      energy += v * v;
    }
    if (Math.sqrt(energy / frame) < o.threshold) continue;
    const last = loud[loud.length - 1];
    if (last && at - last.end < o.minGapMs * PER_MS) last.end = at + frame;
    else loud.push({ start: at, end: at + frame });
  }
  return loud.filter((r) => r.end - r.start >= o.minSoundMs * PER_MS);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Rounds for the report: `digits` decimals, NaN → null (JSON has no NaN). */
export function round(value: number, digits = 1): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
