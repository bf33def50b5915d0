/**
 * End-to-end check of the speech pipeline with the real models: Silero VAD v5
 * and Moonshine tiny on onnxruntime-web's WASM backend, in Node, on real and
 * synthesised speech, through the app's own engine code (AudioRing → VadStream
 * → TranscriptionScheduler → RingTranscriber → transcript assembly).
 *
 * Audio is written into the ring in small chunks, paced at SPEEDUP × real time
 * so the scheduler sees a live stream (partials while a segment grows, finals
 * when it ends), as the worklet and the two workers would in the browser.
 *
 * Needs the models in public/models (copied at `npm install`) and the fixtures
 * from scripts/make-fixtures.sh (made here when missing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WaveFile } from 'wavefile';
import { AudioRing, DEFAULT_RING_CAPACITY } from '../../src/audio/ring';
import { MoonshineModel } from '../../src/engine/moonshine';
import { WASM_GRAPH_OPTIMIZATION } from '../../src/engine/onnx';
import { DEFAULT_SEGMENTER_OPTIONS } from '../../src/engine/segmenter';
import { SileroVad, VAD_FRAME_SAMPLES } from '../../src/engine/silero';
import { type TranscribeRequest, TranscriptionScheduler } from '../../src/engine/stt-scheduler';
import { RingTranscriber } from '../../src/engine/transcriber';
import { appendSegment, cleanSegmentText } from '../../src/engine/transcript';
import { VadStream } from '../../src/engine/vad-stream';
import { type WerResult, wordErrorRate } from '../../src/engine/wer';
import { createStatsBuffer, PipelineStats, Stat } from '../../src/shared/stats';
import type { DetectedSegmentEvent as SegmentEvent, TranscriptionResult } from '../../src/shared/types';
import { readRaw16k } from './vocabulary-sets';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MODELS = join(ROOT, 'public/models');
const FIXTURES = join(ROOT, 'tests/fixtures/generated');
const GOFORWARD_RAW = join(process.env.POCKETSPHINX_TESTDATA ?? '/usr/share/pocketsphinx/test/data', 'goforward.raw');
const REFERENCES = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/transcripts.json'), 'utf8')) as Record<
  string,
  string
>;

const SAMPLE_RATE = 16000;
/** The worklet's fallback path posts 2048-sample chunks (FALLBACK_CHUNK_SAMPLES); the shared ring sees 128 at a time. */
const CHUNK_SAMPLES = 2048;
/** Audio flows this many times faster than real time (the models still run at full speed). */
const SPEEDUP = 4;
const TIMEOUT_MS = 180_000;

type EndEvent = Extract<SegmentEvent, { type: 'end' }>;

interface PipelineRun {
  audioSamples: number;
  events: SegmentEvent[];
  segments: EndEvent[];
  finals: TranscriptionResult[];
  partials: TranscriptionResult[];
  text: string;
  /** Final decodes only: model time over audio time. */
  rtf: number;
  wallMs: number;
  droppedSamples: number;
}

let vad: SileroVad;
let moonshine: MoonshineModel;
let sessions: ort.InferenceSession[] = [];

function readWav(name: string): Float32Array {
  const wav = new WaveFile(readFileSync(join(FIXTURES, name)));
  const fmt = wav.fmt as { sampleRate: number; numChannels: number };
  expect(fmt.sampleRate, `${name} sample rate`).toBe(SAMPLE_RATE);
  expect(fmt.numChannels, `${name} channels`).toBe(1);
  wav.toBitDepth('32f');
  return wav.getSamples(false, Float32Array) as unknown as Float32Array;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Streams `audio` through ring → VAD → scheduler → Moonshine, as the app does, and assembles the finals. */
async function runPipeline(audio: Float32Array): Promise<PipelineRun> {
  const stats = new PipelineStats(createStatsBuffer(false));
  const ring = AudioRing.create(DEFAULT_RING_CAPACITY, false);
  const transcriber = new RingTranscriber(ring, moonshine, stats);
  const events: SegmentEvent[] = [];
  const finals: TranscriptionResult[] = [];
  const partials: TranscriptionResult[] = [];
  let inFlight: Promise<unknown> = Promise.resolve();

  const scheduler = new TranscriptionScheduler({
    now: () => performance.now(),
    writePosition: () => ring.writePosition(),
    transcribe: (request: TranscribeRequest) => {
      const outcome = transcriber.transcribe(request);
      inFlight = outcome.catch(() => undefined);
      return outcome;
    },
    emit: (result) => (result.kind === 'final' ? finals : partials).push(result),
  });
  const stream = new VadStream(
    ring,
    vad,
    stats,
    (event) => {
      // Pauses and quiet spells are hints for the STT; the segment checks below are about starts and ends.
      if (event.type !== 'pause' && event.type !== 'quiet' && event.type !== 'cancel') events.push(event);
      scheduler.segment(event);
    },
    () => {},
  );
  scheduler.start();

  const t0 = performance.now();
  for (let at = 0; at < audio.length; at += CHUNK_SAMPLES) {
    const length = Math.min(CHUNK_SAMPLES, audio.length - at);
    ring.write(audio, at, length);
    await stream.pump();
    // Real time, sped up: also lets the scheduler's timers fire between chunks.
    await sleep(t0 + (at + length) / (SAMPLE_RATE / 1000) / SPEEDUP - performance.now());
  }
  await stream.finish();
  await scheduler.idle();
  scheduler.stop();
  await inFlight; // an abandoned partial may still be unwinding
  const wallMs = performance.now() - t0;

  let text = '';
  for (const final of finals) text = appendSegment(text, cleanSegmentText(final.text));
  const inferenceMs = finals.reduce((sum, f) => sum + f.inferenceMs, 0);
  const audioMs = finals.reduce((sum, f) => sum + (f.endSample - f.startSample), 0) / (SAMPLE_RATE / 1000);
  return {
    audioSamples: audio.length,
    events,
    segments: events.filter((e): e is EndEvent => e.type === 'end'),
    finals,
    partials,
    text,
    rtf: audioMs > 0 ? inferenceMs / audioMs : 0,
    wallMs,
    droppedSamples: stats.get(Stat.DroppedSamples),
  };
}

function report(name: string, run: PipelineRun, wer?: WerResult): void {
  const seconds = (s: number) => (s / SAMPLE_RATE).toFixed(2);
  const lines = [
    `[pipeline] ${name}: ${seconds(run.audioSamples)} s audio, ${run.segments.length} segments ` +
      `(${run.segments.map((s) => s.reason).join(', ') || '—'}), ${run.partials.length} partials, ` +
      `final RTF ${run.rtf.toFixed(3)}, wall ${(run.wallMs / 1000).toFixed(1)} s` +
      (wer
        ? `, WER ${(wer.wer * 100).toFixed(1)}% (S${wer.substitutions} D${wer.deletions} I${wer.insertions} / ${wer.refWords})`
        : ''),
    ...run.finals.map(
      (f) => `    #${f.segmentId} ${seconds(f.startSample)}–${seconds(f.endSample)} s: ${JSON.stringify(f.text)}`,
    ),
    `    hypothesis: ${JSON.stringify(run.text)}`,
  ];
  console.log(lines.join('\n'));
}

/** Segments are announced start-then-end, in order, without overlap, inside the audio. */
function expectWellFormedSegments(run: PipelineRun): void {
  const open = new Map<number, number>();
  let previousEnd = 0;
  let previousId = 0;
  for (const event of run.events) {
    if (event.type === 'start') {
      expect(open.size, 'a segment starts while another is open').toBe(0);
      expect(event.id).toBeGreaterThan(previousId);
      open.set(event.id, event.startSample);
      continue;
    }
    expect(open.get(event.id), `segment ${event.id} ends without its start`).toBe(event.startSample);
    open.delete(event.id);
    expect(event.startSample).toBeGreaterThanOrEqual(previousEnd);
    expect(event.endSample).toBeGreaterThan(event.startSample);
    expect(event.endSample).toBeLessThanOrEqual(run.audioSamples);
    previousEnd = event.endSample;
    previousId = event.id;
  }
  expect(open.size, 'a segment was left open after finish()').toBe(0);
  // One final per segment, in segment order, none of them losing audio.
  expect(run.finals.map((f) => f.segmentId)).toEqual(run.segments.map((s) => s.id));
  expect(run.finals.every((f) => f.lostSamples === 0)).toBe(true);
  expect(run.droppedSamples).toBe(0);
}

describe('speech pipeline with the real models (onnxruntime-web WASM)', { timeout: TIMEOUT_MS }, () => {
  beforeAll(async () => {
    const needed = ['dictation.wav', 'human.wav', 'long.wav', 'silence.wav'];
    if (!needed.every((name) => existsSync(join(FIXTURES, name)))) {
      execFileSync('bash', [join(ROOT, 'scripts/make-fixtures.sh')], { cwd: ROOT, stdio: 'inherit' });
    }
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    const [vadSession, encoder, decoder] = await Promise.all([
      ort.InferenceSession.create(join(MODELS, 'silero-vad-v5.onnx'), {
        graphOptimizationLevel: WASM_GRAPH_OPTIMIZATION.silero,
      }),
      ort.InferenceSession.create(join(MODELS, 'moonshine-tiny-encoder.onnx')),
      ort.InferenceSession.create(join(MODELS, 'moonshine-tiny-decoder-merged.onnx')),
    ]);
    sessions = [vadSession, encoder, decoder];
    vad = new SileroVad(ort.Tensor, vadSession);
    moonshine = new MoonshineModel(ort.Tensor, encoder, decoder);
  }, TIMEOUT_MS);

  afterAll(async () => {
    for (const session of sessions) await session.release();
  });

  it('dictation.wav: one segment per sentence, partials while speaking, WER < 15%', async () => {
    const run = await runPipeline(readWav('dictation.wav'));
    const wer = wordErrorRate(REFERENCES['dictation.wav'] ?? '', run.text);
    report('dictation.wav', run, wer);

    expectWellFormedSegments(run);
    // Five sentences with ~0.9 s pauses between them.
    expect(run.segments.length).toBeGreaterThanOrEqual(4);
    expect(run.segments.every((s) => s.reason === 'silence')).toBe(true);
    // Partials: for segments the VAD announced, before their final, with words in them.
    const ids = new Set(run.segments.map((s) => s.id));
    expect(run.partials.length).toBeGreaterThanOrEqual(1);
    expect(run.partials.every((p) => ids.has(p.segmentId))).toBe(true);
    expect(run.partials.some((p) => cleanSegmentText(p.text) !== '')).toBe(true);
    expect(wer.wer).toBeLessThan(0.15);
  });

  it('human.wav (real recordings): WER < 25%', async () => {
    const run = await runPipeline(readWav('human.wav'));
    const wer = wordErrorRate(REFERENCES['human.wav'] ?? '', run.text);
    report('human.wav', run, wer);

    expectWellFormedSegments(run);
    expect(run.segments.length).toBeGreaterThanOrEqual(1);
    expect(wer.wer).toBeLessThan(0.25);
  });

  it('goforward.raw alone: "go forward ten meters"', async () => {
    const run = await runPipeline(readRaw16k(GOFORWARD_RAW));
    report('goforward.raw', run);

    expectWellFormedSegments(run);
    const words = run.text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s]/gu, ' ')
      .replace(/\s+/g, ' ');
    expect(words).toMatch(/forward (ten|10)\b/);
  });

  it('long.wav (44 s, no pauses): split at the length limit, WER < 20%', async () => {
    const run = await runPipeline(readWav('long.wav'));
    const wer = wordErrorRate(REFERENCES['long.wav'] ?? '', run.text);
    report('long.wav', run, wer);

    expectWellFormedSegments(run);
    expect(run.segments.some((s) => s.reason === 'split')).toBe(true);
    const limit = (DEFAULT_SEGMENTER_OPTIONS.maxSegmentMs * SAMPLE_RATE) / 1000 + VAD_FRAME_SAMPLES;
    for (const s of run.segments) expect(s.endSample - s.startSample).toBeLessThanOrEqual(limit);
    expect(wer.wer).toBeLessThan(0.2);
  });

  it('silence.wav (3 s of faint noise): no segments, no text', async () => {
    const run = await runPipeline(readWav('silence.wav'));
    report('silence.wav', run);

    expect(run.events).toEqual([]);
    expect(run.finals).toEqual([]);
    expect(run.partials).toEqual([]);
    expect(run.text).toBe('');
  });
});
