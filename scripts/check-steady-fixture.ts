/**
 * Checks that a dictation fixture reads the same wherever the microphone
 * starts, which the fault tests (tests/e2e/faults.spec.ts) rely on: they
 * compare a dictation with a fault against another run without one.
 *
 * In Chromium the fake microphone starts at a varying point, so the voice
 * detector's 512-sample frames, and with them the segments' edges, fall
 * elsewhere in the speech each run. This plays the fixture through the app's
 * own chain (44.1 kHz → StreamingResampler in 128-frame quanta → ring →
 * Silero → Segmenter → RingTranscriber → Moonshine tiny, with the speech
 * worker's default biasing) behind 0–400 ms of silence, and prints each
 * reading with how many reference words it has in order, and how often the
 * decode's speech-anchored edges (src/engine/speech-anchor.ts) met the
 * segment's. Exits non-zero when two readings differ by more than
 * MAX_SPREAD reference words.
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/check-steady-fixture.ts [OFFSETS] [FIXTURE] [REFERENCE KEY]
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import wavefile from 'wavefile';
import { StreamingResampler } from '../src/audio/resampler';
import { AudioRing, DEFAULT_RING_CAPACITY } from '../src/audio/ring';
import { Segmenter } from '../src/engine/segmenter';
import { DecodeBiasing } from '../src/engine/short-segment';
import { SileroVad, VAD_FRAME_SAMPLES } from '../src/engine/silero';
import { anchorToSpeech } from '../src/engine/speech-anchor';
import { biasTokenizer } from '../src/engine/tokenizer';
import { RingTranscriber } from '../src/engine/transcriber';
import { frameRms } from '../src/engine/vad-stream';
import { wordsInOrder } from '../src/engine/wer';
import { createStatsBuffer, PipelineStats } from '../src/shared/stats';
import { loadMoonshine } from '../tests/integration/vocabulary-sets';

/** tests/e2e/faults.spec.ts's RECOGNITION_SPREAD. */
const MAX_SPREAD = 2;
const QUANTUM = 128;
const offsets = Number(process.argv[2] ?? 32);
const fixture = process.argv[3] ?? 'tests/fixtures/generated/steady-44k.wav';
const key = process.argv[4] ?? 'steady-44k.wav';
const reference = (JSON.parse(readFileSync('tests/fixtures/transcripts.json', 'utf8')) as Record<string, string>)[key];
if (!reference) throw new Error(`tests/fixtures/transcripts.json has no "${key}"`);

const wav = new wavefile.WaveFile(readFileSync(fixture));
wav.toBitDepth('32f');
const input = wav.getSamples(false, Float32Array) as unknown as Float32Array;
const inputRate = (wav.fmt as { sampleRate: number }).sampleRate;

ort.env.logLevel = 'error';
const model = await loadMoonshine();
const vad = new SileroVad(ort.Tensor, await ort.InferenceSession.create('public/models/silero-vad-v5.onnx'));
const biasing = DecodeBiasing.build([], true, biasTokenizer);

/** The fixture behind `leadInput` input samples of silence, as the worklet hands it over. */
function captured(leadInput: number): Float32Array {
  const padded = new Float32Array(leadInput + input.length);
  padded.set(input, leadInput);
  const resampler = new StreamingResampler(inputRate);
  const out = new Float32Array(resampler.maxOutputFor(padded.length));
  const quantum = new Float32Array(resampler.maxOutputFor(QUANTUM));
  let written = 0;
  for (let i = 0; i + QUANTUM <= padded.length; i += QUANTUM) {
    const n = resampler.process(padded.subarray(i, i + QUANTUM), QUANTUM, quantum);
    out.set(quantum.subarray(0, n), written);
    written += n;
  }
  return out.subarray(0, written);
}

const readings = new Map<string, { runs: number; words: number }>();
let segments = 0;
const edgesMet = { start: 0, end: 0 };
for (let run = 0; run < offsets; run++) {
  const leadInput = Math.round(((run * 0.618034) % 1) * 0.4 * inputRate);
  const audio = captured(leadInput);
  const ring = AudioRing.create(DEFAULT_RING_CAPACITY, false);
  ring.write(audio);
  const stats = new PipelineStats(createStatsBuffer(false));
  const transcriber = new RingTranscriber(ring, model, stats, () => biasing);
  vad.reset();
  const segmenter = new Segmenter();
  const ends: { id: number; startSample: number; endSample: number }[] = [];
  for (let at = 0; at + VAD_FRAME_SAMPLES <= audio.length; at += VAD_FRAME_SAMPLES) {
    const frame = audio.slice(at, at + VAD_FRAME_SAMPLES);
    const events = segmenter.push(at, await vad.probability(frame), frameRms(frame));
    for (const event of events) if (event.type === 'end') ends.push(event);
  }
  for (const event of segmenter.flush()) if (event.type === 'end') ends.push(event);
  const texts: string[] = [];
  for (const end of ends) {
    const anchored = anchorToSpeech(audio.subarray(end.startSample, end.endSample));
    segments++;
    if (anchored.start === 0) edgesMet.start++;
    if (anchored.end === end.endSample - end.startSample) edgesMet.end++;
    const outcome = await transcriber.transcribe({
      kind: 'final',
      segmentId: end.id,
      ...end,
      shouldContinue: () => true,
    });
    texts.push(outcome.text);
  }
  const text = texts.join(' ');
  const known = readings.get(text) ?? { runs: 0, words: wordsInOrder(reference, text) };
  known.runs++;
  readings.set(text, known);
  console.log(`${((leadInput / inputRate) * 1000).toFixed(0).padStart(4)} ms: ${known.words} words | ${text}`);
}

const words = [...readings.values()].map((r) => r.words);
const spread = Math.max(...words) - Math.min(...words);
console.log(
  JSON.stringify({
    fixture,
    offsets,
    readings: [...readings].map(([text, r]) => ({ runs: r.runs, wordsInOrder: r.words, text })),
    referenceWords: wordsInOrder(reference, reference),
    spread,
    anchoredEdgeMetSegmentEdge: { ...edgesMet, segments },
  }),
);
if (spread > MAX_SPREAD) {
  console.error(`check-steady-fixture: readings differ by ${spread} reference words (at most ${MAX_SPREAD})`);
  process.exit(1);
}
