/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import {
  ADTS,
  type AudioSample,
  AudioSampleSink,
  BlobSource,
  FLAC,
  Input,
  MATROSKA,
  MP3,
  MP4,
  OGG,
  QTFF,
  WAVE,
  WEBM,
} from 'mediabunny';
import { MonoChunker } from '../engine/mono-chunker';
import { surfaceUnhandledRejections } from './surface-errors';

/**
 * Decodes one chosen file into 16 kHz mono chunks, on demand, so a recording
 * of any length costs a few chunks of memory. Mediabunny demuxes (reading the
 * File in small slices) and WebCodecs' AudioDecoder decodes; WAV and other PCM
 * need no decoder. One worker per file: terminating it drops everything.
 */

/** Audio-only containers and the ones audio commonly arrives in; HLS and MPEG-TS are left out of the bundle. */
const FORMATS = [WAVE, MP3, OGG, FLAC, ADTS, MP4, QTFF, WEBM, MATROSKA];
/** Mediabunny keeps this much of the file in memory at most (its default is 8 MiB). */
const READ_CACHE_BYTES = 4 * 1024 * 1024;

export type OpenResult =
  | { ok: true; durationS: number | null; sampleRate: number; channels: number; codec: string }
  /** This worker cannot read the file; the caller may try the browser's own decoder. */
  | { ok: false; reason: string };

let job: {
  input: Input;
  samples: AsyncGenerator<AudioSample, void, unknown>;
  chunkSamples: number;
  /** Made at the first decoded sample: a decoder may output another rate than the container states (HE-AAC). */
  chunker: MonoChunker | null;
  ready: Float32Array[];
  ended: boolean;
} | null = null;
let planes: Float32Array[] = [];

const api = {
  async open(file: File, chunkSamples: number): Promise<OpenResult> {
    api.close();
    const input = new Input({ formats: FORMATS, source: new BlobSource(file, { maxCacheSize: READ_CACHE_BYTES }) });
    try {
      if (!(await input.canRead())) return fail(input, 'unknown container');
      const track = await input.getPrimaryAudioTrack();
      if (!track) return fail(input, 'no audio track');
      if (!(await track.canDecode())) return fail(input, `no decoder for ${track.codec ?? 'its codec'}`);
      const durationS = (await input.getDurationFromMetadata([track])) ?? (await input.computeDuration([track]));
      job = {
        input,
        samples: new AudioSampleSink(track).samples(),
        chunkSamples,
        chunker: null,
        ready: [],
        ended: false,
      };
      return {
        ok: true,
        durationS: Number.isFinite(durationS) && durationS > 0 ? durationS : null,
        sampleRate: track.sampleRate,
        channels: track.numberOfChannels,
        codec: track.codec ?? 'unknown',
      };
    } catch (error) {
      return fail(input, error instanceof Error ? error.message : String(error));
    }
  },

  /** The next chunk (transferred), or null at the end of the file. */
  async next(): Promise<Float32Array | null> {
    if (!job) throw new Error('No file is open');
    const current = job;
    while (current.ready.length === 0 && !current.ended) {
      const step = await current.samples.next();
      if (step.done) {
        current.ended = true;
        current.ready.push(...(current.chunker?.flush() ?? []));
        break;
      }
      const sample = step.value;
      try {
        current.chunker ??= new MonoChunker(sample.sampleRate, current.chunkSamples);
        if (sample.sampleRate !== current.chunker.inputRate) {
          throw new Error(`the sample rate changes from ${current.chunker.inputRate} to ${sample.sampleRate} Hz`);
        }
        current.ready.push(...current.chunker.push(toPlanes(sample), sample.numberOfFrames));
      } finally {
        sample.close();
      }
    }
    const chunk = current.ready.shift() ?? null;
    if (!chunk) {
      api.close();
      return null;
    }
    return Comlink.transfer(chunk, [chunk.buffer]);
  },

  /**
   * Mixes channels already decoded elsewhere (the browser's decoder, for files
   * this worker cannot read) down to mono, off the main thread.
   */
  downmix(channels: Float32Array[]): Float32Array {
    const first = channels[0];
    if (!first) return new Float32Array(0);
    const frames = Math.min(...channels.map((c) => c.length));
    const mono = new Float32Array(frames);
    for (const channel of channels)
      for (let i = 0; i < frames; i++) mono[i] = (mono[i] as number) + (channel[i] as number);
    if (channels.length > 1) for (let i = 0; i < frames; i++) mono[i] = (mono[i] as number) / channels.length;
    return Comlink.transfer(mono, [mono.buffer]);
  },

  close(): void {
    if (!job) return;
    void job.samples.return(undefined).catch(() => {});
    job.input.dispose();
    job = null;
    planes = [];
  },
};

function fail(input: Input, reason: string): OpenResult {
  input.dispose();
  return { ok: false, reason };
}

/** The sample's channels as float32 planes, in scratch arrays reused from sample to sample. */
function toPlanes(sample: AudioSample): Float32Array[] {
  const frames = sample.numberOfFrames;
  if (planes.length !== sample.numberOfChannels || (planes[0]?.length ?? 0) < frames) {
    planes = Array.from({ length: sample.numberOfChannels }, () => new Float32Array(frames));
  }
  for (let c = 0; c < planes.length; c++) {
    sample.copyTo(planes[c] as Float32Array, { planeIndex: c, format: 'f32-planar', frameCount: frames });
  }
  return planes;
}

export type DecodeApi = typeof api;
surfaceUnhandledRejections(self);
Comlink.expose(api);
