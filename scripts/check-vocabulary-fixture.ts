/**
 * Checks that the Vocabulary e2e fixture (vocabulary-44k.wav) decides the
 * test whatever the run's timing: the listed name must come out right with
 * the list and wrong without it, at every segment start the browser can give.
 *
 * In Chromium the fake microphone starts playing a little before capture
 * does, by a varying amount, and the voice detector's onset (and so the
 * segment's start, a pre-roll before it) follows. This plays the
 * fixture through the app's own chain (44.1 kHz → StreamingResampler → ring →
 * Silero VadStream → TranscriptionScheduler → RingTranscriber → Moonshine with
 * the TermBiasing the speech worker builds) at real time, with the first
 * 0–200 ms of the file lost in 10 ms steps. It also decodes the speech cut
 * directly with pre-rolls from 56 to 456 ms (the segmenter's pre-roll was 256 ms).
 * Exits non-zero on any miss.
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/check-vocabulary-fixture.ts [SPEEDUP]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import wavefile from 'wavefile';
import { StreamingResampler } from '../src/audio/resampler';
import { AudioRing, DEFAULT_RING_CAPACITY } from '../src/audio/ring';
import { TermBiasing } from '../src/engine/biasing';
import { WASM_GRAPH_OPTIMIZATION } from '../src/engine/onnx';
import { SileroVad } from '../src/engine/silero';
import { TranscriptionScheduler } from '../src/engine/stt-scheduler';
import { biasTokenizer, detokenize } from '../src/engine/tokenizer';
import { RingTranscriber } from '../src/engine/transcriber';
import { appendSegment, cleanSegmentText } from '../src/engine/transcript';
import { VadStream } from '../src/engine/vad-stream';
import { createStatsBuffer, PipelineStats } from '../src/shared/stats';
import type { TranscriptionResult } from '../src/shared/types';
import { loadMoonshine } from '../tests/integration/vocabulary-sets';

/** What tests/e2e/vocabulary.spec.ts lists and expects. */
const FIXTURE = 'tests/fixtures/generated/vocabulary-44k.wav';
const TERM = 'Thessaloniki';
/** The e2e test's replacement line rewrites these words, so they must be heard too. */
const HEARD = 'next trip';
const INPUT_RATE = 44100;
/** The worklet hands over 128-frame render quanta; 16 of them per write keeps this quick. */
const CHUNK = 128 * 16;
const speedup = Number(process.argv[2] ?? 1);

if (!existsSync(FIXTURE)) throw new Error(`${FIXTURE} is missing: run npm run fixtures`);
const wav = new wavefile.WaveFile(readFileSync(FIXTURE));
wav.toBitDepth('32f');
const audio = wav.getSamples(false, Float32Array) as unknown as Float32Array;

ort.env.logLevel = 'error';
const model = await loadMoonshine();
const vad = new SileroVad(
  ort.Tensor,
  await ort.InferenceSession.create(join('public/models', 'silero-vad-v5.onnx'), {
    graphOptimizationLevel: WASM_GRAPH_OPTIMIZATION.silero,
  }),
);
const list = TermBiasing.build([TERM], biasTokenizer);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

function resample(input: Float32Array): Float32Array {
  const resampler = new StreamingResampler(INPUT_RATE);
  const out = new Float32Array(resampler.maxOutputFor(input.length));
  return out.subarray(0, resampler.process(input, input.length, out));
}

/** The fixture as dictated, minus its first `lostMs`: the finals joined, and where the segments were. */
async function dictate(lostMs: number, biasing: TermBiasing | null): Promise<{ text: string; segments: string }> {
  model.biasing = biasing;
  const stats = new PipelineStats(createStatsBuffer(false));
  const ring = AudioRing.create(DEFAULT_RING_CAPACITY, false);
  const transcriber = new RingTranscriber(ring, model, stats);
  const finals: TranscriptionResult[] = [];
  let inFlight: Promise<unknown> = Promise.resolve();
  const scheduler = new TranscriptionScheduler({
    now: () => performance.now(),
    writePosition: () => ring.writePosition(),
    transcribe: (request) => {
      const outcome = transcriber.transcribe(request);
      inFlight = outcome.catch(() => undefined);
      return outcome;
    },
    emit: (result) => {
      if (result.kind === 'final') finals.push(result);
    },
  });
  const stream = new VadStream(
    ring,
    vad,
    stats,
    (event) => scheduler.segment(event),
    () => {},
  );
  scheduler.start();
  const input = audio.subarray(Math.round((lostMs * INPUT_RATE) / 1000));
  const resampler = new StreamingResampler(INPUT_RATE);
  const out = new Float32Array(resampler.maxOutputFor(CHUNK));
  const t0 = performance.now();
  let written = 0;
  for (let at = 0; at < input.length; at += CHUNK) {
    const n = resampler.process(input.subarray(at), Math.min(CHUNK, input.length - at), out);
    ring.write(out, 0, n);
    written += n;
    await stream.pump();
    await sleep(t0 + written / 16 / speedup - performance.now());
  }
  await stream.finish();
  await scheduler.idle();
  scheduler.stop();
  await inFlight;
  let text = '';
  for (const final of finals) text = appendSegment(text, cleanSegmentText(final.text));
  const seconds = (sample: number) => (sample / 16000).toFixed(2);
  return { text, segments: finals.map((f) => `${seconds(f.startSample)}–${seconds(f.endSample)} s`).join(', ') };
}

const named = (text: string) => text.includes(TERM);
let misses = 0;
let runs = 0;
function judge(label: string, withList: string, without: string, where = ''): void {
  runs++;
  const ok = named(withList) && withList.includes(HEARD) && !named(without);
  if (!ok) misses++;
  console.log(`${ok ? 'ok  ' : 'MISS'} ${label}${where}: with «${withList}» | without «${without}»`);
}

// The speech cut directly, with the pre-roll varied.
const speech = resample(audio);
let first = speech.findIndex((x) => Math.abs(x) >= 0.01);
let last = speech.length - 1;
while (last > 0 && Math.abs(speech[last] ?? 0) < 0.01) last--;
first = Math.max(0, first);
for (let preMs = 56; preMs <= 456; preMs += 25) {
  const cut = speech.slice(Math.max(0, first - preMs * 16), Math.min(speech.length, last + 128 * 16));
  const withList = detokenize((await model.decode(cut, { biasing: list })).tokens);
  const without = detokenize((await model.decode(cut, { biasing: null })).tokens);
  judge(`pre-roll ${preMs} ms`, withList, without);
}

// The whole chain, with the microphone's start varied.
for (let lostMs = 0; lostMs <= 200; lostMs += 10) {
  const withList = await dictate(lostMs, list);
  const without = await dictate(lostMs, null);
  judge(`first ${lostMs} ms lost`, withList.text, without.text, ` [${withList.segments} | ${without.segments}]`);
}
console.log(
  `${runs - misses}/${runs} starts decided the test (“${HEARD}” and ${TERM} with the list, not ${TERM} without it)`,
);
process.exit(misses > 0 ? 1 : 0);
