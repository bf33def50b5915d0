import * as Comlink from 'comlink';
import type { SessionSegment } from '../engine/session-types';
import { appendSegment, cleanSegmentText } from '../engine/transcript';
import type { DictationPipeline } from './pipeline';

/** A problem with the file itself, worded for the person who chose it. */
export class FileProblem extends Error {
  override name = 'FileProblem';
}

const SAMPLE_RATE = 16000;
/** Decoding happens in memory: beyond this the tab risks running out of it, so such files are refused. */
export const MAX_FILE_BYTES = 300 * 1024 * 1024;
export const MAX_DURATION_S = 3 * 60 * 60;

export interface FileProgress {
  stage: 'decoding' | 'finding speech' | 'transcribing';
  fraction: number;
}

/** Decodes any format the browser can (WAV, MP3, Ogg/Opus, WebM, FLAC, M4A…) to 16 kHz mono. */
export async function decodeToMono16k(file: File): Promise<Float32Array> {
  if (file.size === 0) throw new FileProblem(`“${file.name}” is empty.`);
  if (file.size > MAX_FILE_BYTES) {
    throw new FileProblem(
      `“${file.name}” is ${(file.size / 1e6).toFixed(0)} MB; files up to ${MAX_FILE_BYTES / 1024 / 1024} MB can be transcribed. Split it into shorter parts.`,
    );
  }
  const bytes = await file.arrayBuffer();
  // An OfflineAudioContext at 16 kHz makes the browser resample while it decodes.
  const context = new OfflineAudioContext(1, 1, SAMPLE_RATE);
  let buffer: AudioBuffer;
  try {
    buffer = await context.decodeAudioData(bytes);
  } catch {
    throw new FileProblem(
      `“${file.name}” could not be read as audio. It may be damaged, or in a format this browser cannot play.`,
    );
  }
  if (buffer.duration > MAX_DURATION_S) {
    throw new FileProblem(`“${file.name}” is longer than ${MAX_DURATION_S / 3600} hours; split it into shorter parts.`);
  }
  if (buffer.length === 0) throw new FileProblem(`“${file.name}” contains no audio.`);
  const mono = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const channel = buffer.getChannelData(c);
    for (let i = 0; i < mono.length; i++)
      mono[i] = (mono[i] as number) + (channel[i] as number) / buffer.numberOfChannels;
  }
  return mono;
}

/**
 * Transcribes a file with the same VAD and STT workers as dictation, faster
 * than real time. Returns the transcript and its timed segments.
 */
export async function transcribeFile(
  pipeline: DictationPipeline,
  file: File,
  onProgress: (progress: FileProgress) => void,
  signal: AbortSignal,
): Promise<{ text: string; segments: SessionSegment[] }> {
  onProgress({ stage: 'decoding', fraction: 0 });
  const samples = await decodeToMono16k(file);
  signal.throwIfAborted();
  const cancel = () => {
    void pipeline.vad.call((r) => r.cancelClip()).catch(() => {});
    void pipeline.stt.call((r) => r.cancelClip()).catch(() => {});
  };
  signal.addEventListener('abort', cancel, { once: true });
  try {
    // Finding speech is ~1/10 of the work; transcribing the rest, weighted by audio length.
    const events = await pipeline.vad.call((r) =>
      r.segmentClip(
        samples.slice(),
        Comlink.proxy((fraction: number) => onProgress({ stage: 'finding speech', fraction: fraction * 0.1 })),
      ),
    );
    const segments = events.flatMap((e) =>
      e.type === 'end' ? [{ id: e.id, startSample: e.startSample, endSample: e.endSample }] : [],
    );
    if (segments.length === 0) throw new FileProblem(`No speech was found in “${file.name}”.`);
    const totalSamples = segments.reduce((sum, s) => sum + (s.endSample - s.startSample), 0);
    let doneSamples = 0;
    let text = '';
    const timed: SessionSegment[] = [];
    await pipeline.stt.call((r) =>
      r.transcribeSegments(
        Comlink.transfer(samples, [samples.buffer]),
        segments,
        Comlink.proxy((result: { id: number; text: string; startSample: number; endSample: number }) => {
          doneSamples += result.endSample - result.startSample;
          onProgress({ stage: 'transcribing', fraction: 0.1 + 0.9 * (doneSamples / totalSamples) });
          const clean = cleanSegmentText(result.text);
          if (!clean) return;
          text = appendSegment(text, clean);
          timed.push({
            id: timed.length + 1,
            text: clean,
            startMs: result.startSample / 16,
            endMs: result.endSample / 16,
          });
        }),
      ),
    );
    if (!text) throw new FileProblem(`No words could be recognised in “${file.name}”.`);
    return { text, segments: timed };
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
