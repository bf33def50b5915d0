import * as Comlink from 'comlink';
import { DEFAULT_SEGMENTER_OPTIONS } from '../engine/segmenter';
import type { SessionSegment } from '../engine/session-types';
import { VAD_FRAME_SAMPLES } from '../engine/silero';
import { appendSegment, cleanSegmentText } from '../engine/transcript';
import { applyReplacements } from '../engine/vocabulary';
import { type DetectedSegmentEvent, SAMPLE_RATE } from '../shared/types';
import type { DecodeApi, OpenResult } from '../workers/decode.worker';
import { vocabulary } from './dictation-settings';
import type { DictationPipeline } from './pipeline';

/** A problem with the file itself, worded for the person who chose it. */
export class FileProblem extends Error {
  override name = 'FileProblem';
}

/**
 * Audio moves through the workers in chunks of ~30 s (whole VAD frames):
 * 1.9 MB each. At most a handful exist at once (one being decoded, one in the
 * voice detector, one queued and one held by the speech recogniser), so
 * memory does not grow with the file's length.
 */
export const CHUNK_SAMPLES = VAD_FRAME_SAMPLES * Math.round((30 * SAMPLE_RATE) / VAD_FRAME_SAMPLES);
/**
 * How far back a segment that ends in the next chunk can begin: the
 * segmenter splits speech at `maxSegmentMs`, and ends a segment at most a
 * hangover plus its padding after its last speech (one frame of slack, and a
 * second of margin). The speech recogniser keeps this much audio between chunks.
 */
const KEEP_SAMPLES =
  ((DEFAULT_SEGMENTER_OPTIONS.maxSegmentMs +
    DEFAULT_SEGMENTER_OPTIONS.hangoverMs +
    DEFAULT_SEGMENTER_OPTIONS.postPadMs +
    1000) *
    SAMPLE_RATE) /
    1000 +
  VAD_FRAME_SAMPLES;
/**
 * Files the decoder worker cannot read (containers it does not know) go to the
 * browser's own decoder, which decodes the whole file in memory: only up to
 * this size.
 */
export const MAX_FALLBACK_BYTES = 64 * 1024 * 1024;

export interface FileProgress {
  stage: 'decoding' | 'transcribing';
  /** Share of the file done, or null while its length is unknown. */
  fraction: number | null;
  /** Seconds of the file transcribed so far. */
  doneS: number;
  /** The file's length, when known. */
  durationS: number | null;
}

/** Where 16 kHz mono chunks come from: the decoder worker, or the browser's decoder for other files. */
interface ChunkSource {
  durationS: number | null;
  next(): Promise<Float32Array | null>;
}

function unreadable(file: File): FileProblem {
  return new FileProblem(
    `“${file.name}” could not be read as audio. It may be damaged, or in a format this browser cannot play.`,
  );
}

/** Rejects with an AbortError as soon as `signal` aborts, whatever `promise` does. */
function orAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new DOMException('Cancelled', 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function openSource(file: File, decoder: Comlink.Remote<DecodeApi>, signal: AbortSignal): Promise<ChunkSource> {
  const opened: OpenResult = await orAbort<OpenResult>(decoder.open(file, CHUNK_SAMPLES), signal);
  if (opened.ok) {
    return {
      durationS: opened.durationS,
      next: async () => {
        try {
          return await decoder.next();
        } catch {
          throw unreadable(file);
        }
      },
    };
  }
  return fallbackSource(file, decoder, signal);
}

/**
 * The browser's decoder (decodeAudioData) for files the worker cannot demux.
 * It needs the whole file and its decoded audio in memory, hence the size
 * limit; the context's 16 kHz rate makes it resample, and the worker mixes down.
 */
async function fallbackSource(
  file: File,
  decoder: Comlink.Remote<DecodeApi>,
  signal: AbortSignal,
): Promise<ChunkSource> {
  if (file.size > MAX_FALLBACK_BYTES) {
    throw new FileProblem(
      `“${file.name}” is in a format that can only be decoded whole, and it is larger than ${
        MAX_FALLBACK_BYTES / 1024 / 1024
      } MB. Convert it to WAV, MP3, Ogg/Opus, FLAC or M4A, or split it.`,
    );
  }
  const context = new OfflineAudioContext(1, 1, SAMPLE_RATE);
  let decoded: AudioBuffer;
  try {
    decoded = await orAbort(
      file.arrayBuffer().then((bytes) => context.decodeAudioData(bytes)),
      signal,
    );
  } catch (error) {
    if (signal.aborted) throw error;
    throw unreadable(file);
  }
  let buffer: AudioBuffer | null = decoded;
  let at = 0;
  return {
    durationS: decoded.duration,
    next: async () => {
      if (!buffer || at >= buffer.length) {
        buffer = null; // let the decoded audio go
        return null;
      }
      const frames = Math.min(CHUNK_SAMPLES, buffer.length - at);
      const channels: Float32Array[] = [];
      for (let c = 0; c < buffer.numberOfChannels; c++) {
        const channel = new Float32Array(frames);
        buffer.copyFromChannel(channel, c, at);
        channels.push(channel);
      }
      at += frames;
      return decoder.downmix(
        Comlink.transfer(
          channels,
          channels.map((c) => c.buffer),
        ),
      );
    },
  };
}

type TimedSegment = { id: number; startSample: number; endSample: number };
const ended = (events: DetectedSegmentEvent[]): TimedSegment[] =>
  events.flatMap((e) => (e.type === 'end' ? [{ id: e.id, startSample: e.startSample, endSample: e.endSample }] : []));

/**
 * Transcribes a file with the same VAD and STT workers as dictation, faster
 * than real time, in chunks: a decoder worker turns it into 16 kHz mono a
 * chunk at a time, the voice detector finds speech in each chunk (its state
 * carrying over), and the speech recogniser transcribes every segment that
 * ended. The three overlap; the main thread only passes buffers on, by
 * transfer. Returns the transcript and its timed segments.
 */
export async function transcribeFile(
  pipeline: DictationPipeline,
  file: File,
  onProgress: (progress: FileProgress) => void,
  signal: AbortSignal,
): Promise<{ text: string; segments: SessionSegment[] }> {
  if (file.size === 0) throw new FileProblem(`“${file.name}” is empty.`);
  const worker = new Worker(new URL('../workers/decode.worker.ts', import.meta.url), {
    type: 'module',
    name: 'utter-decode',
  });
  const decoder = Comlink.wrap<DecodeApi>(worker);
  // Once this returns or throws, late callbacks from work still winding down report nothing.
  let over = false;
  const progress = (p: FileProgress) => {
    if (!over) onProgress(p);
  };
  const cancel = () => {
    worker.terminate();
    void pipeline.vad.call((r) => r.cancelClip()).catch(() => {});
    void pipeline.stt.call((r) => r.cancelClip()).catch(() => {});
  };
  signal.addEventListener('abort', cancel, { once: true });
  try {
    signal.throwIfAborted();
    progress({ stage: 'decoding', fraction: 0, doneS: 0, durationS: null });
    const source = await openSource(file, decoder, signal);
    const durationS = source.durationS;
    let doneSamples = 0;
    const report = () => {
      const doneS = doneSamples / SAMPLE_RATE;
      progress({
        stage: 'transcribing',
        fraction: durationS ? Math.min(1, doneS / durationS) : null,
        doneS,
        durationS,
      });
    };

    let text = '';
    const timed: SessionSegment[] = [];
    let found = 0;
    const onSegment = (result: TimedSegment & { text: string }) => {
      doneSamples = Math.max(doneSamples, result.endSample);
      report();
      const clean = applyReplacements(cleanSegmentText(result.text), vocabulary.value.rules);
      if (!clean) return;
      text = appendSegment(text, clean);
      timed.push({ id: timed.length + 1, text: clean, startMs: result.startSample / 16, endMs: result.endSample / 16 });
    };
    const transcribe = (
      samples: Float32Array,
      start: number,
      segments: TimedSegment[],
      first: boolean,
      last: boolean,
    ) => {
      // Read before the transfer empties `samples`.
      const end = start + samples.length;
      return orAbort(
        pipeline.stt.call((r) =>
          r.transcribeSegments(Comlink.transfer(samples, [samples.buffer]), start, segments, Comlink.proxy(onSegment), {
            first,
            last,
            keepFrom: end - KEEP_SAMPLES,
          }),
        ),
        signal,
      ).then(() => {
        doneSamples = Math.max(doneSamples, end);
        report();
      });
    };

    // The decoder works one chunk ahead and the recogniser one chunk behind
    // the voice detector; awaiting each stage before feeding it again keeps at
    // most one chunk queued per worker.
    let start = 0;
    let first = true;
    let pending = orAbort(source.next(), signal);
    let stt: Promise<void> = Promise.resolve();
    for (;;) {
      const chunk = await pending;
      const last = chunk === null;
      if (!last) {
        pending = orAbort(source.next(), signal);
        pending.catch(() => {}); // awaited on the next turn
      } else if (first) {
        throw new FileProblem(`“${file.name}” contains no audio.`);
      }
      const input = chunk ?? new Float32Array(0);
      const detected = await orAbort(
        pipeline.vad.call((r) => r.segmentClip(Comlink.transfer(input, [input.buffer]), start, { first, last })),
        signal,
      );
      const segments = ended(detected.events);
      found += segments.length;
      await stt;
      const length = detected.samples.length; // before the transfer empties it
      stt = transcribe(detected.samples, start, segments, first, last);
      stt.catch(() => {}); // awaited on the next turn
      start += length;
      first = false;
      if (last) break;
    }
    await stt;
    if (found === 0) throw new FileProblem(`No speech was found in “${file.name}”.`);
    if (!text) throw new FileProblem(`No words could be recognised in “${file.name}”.`);
    over = true;
    return { text, segments: timed };
  } catch (error) {
    // A stage failed (or was cancelled): stop the others too, so their work ends now.
    over = true;
    if (!signal.aborted) cancel();
    throw error;
  } finally {
    signal.removeEventListener('abort', cancel);
    worker.terminate();
  }
}
