/**
 * Plays a 44.1 kHz fixture through the app's own chain as Chromium's fake
 * microphone would, started at a chosen point: behind some silence, through
 * the StreamingResampler in 128-frame quanta, into a ring, through Silero and
 * the Segmenter, and each segment's final through RingTranscriber (Moonshine
 * tiny with the biasing the speech worker builds for a Vocabulary list). In
 * the browser the microphone starts at a varying point, so the voice
 * detector's frames, and with them the segments' edges, fall elsewhere in the
 * speech each run, and the resampler meets the speech at another phase.
 * Used by scripts/check-steady-fixture.ts, scripts/check-vocabulary-fixture.ts
 * and steady-fixture.test.ts.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import wavefile from 'wavefile';
import { StreamingResampler } from '../../src/audio/resampler';
import { AudioRing, DEFAULT_RING_CAPACITY } from '../../src/audio/ring';
import { DecodeBiasing } from '../../src/engine/short-segment';
import { anchorToSpeech } from '../../src/engine/speech-anchor';
import { biasTokenizer } from '../../src/engine/tokenizer';
import { RingTranscriber } from '../../src/engine/transcriber';
import { createStatsBuffer, PipelineStats } from '../../src/shared/stats';
import { loadSilero, segmentEnds } from './segment-audio';
import { loadMoonshine } from './vocabulary-sets';

const QUANTUM = 128;

export interface OffsetReading {
  /** Silence before the fixture, in ms. */
  leadMs: number;
  /** The finals, joined. */
  text: string;
  /** Each segment's final. */
  finals: string[];
  segments: number;
  /** Segments whose speech-anchored cut met the segment's start, or its end. */
  cutMetStart: number;
  cutMetEnd: number;
}

/**
 * Reads a fixture at `offsets` start points spread over 0–400 ms (the same
 * points every call), with `terms` as the person's Vocabulary list, and the
 * decoder leaning towards voice commands unless `commands` is false (the
 * setting turned off).
 */
export async function readAtStartOffsets(
  fixture: string,
  offsets: number,
  terms: readonly string[] = [],
  commands = true,
): Promise<OffsetReading[]> {
  const wav = new wavefile.WaveFile(readFileSync(fixture));
  wav.toBitDepth('32f');
  const input = wav.getSamples(false, Float32Array) as unknown as Float32Array;
  const inputRate = (wav.fmt as { sampleRate: number }).sampleRate;
  ort.env.logLevel = 'error';
  const model = await loadMoonshine();
  const vad = await loadSilero();
  const biasing = DecodeBiasing.build(terms, commands, biasTokenizer);

  const readings: OffsetReading[] = [];
  for (let run = 0; run < offsets; run++) {
    // Golden-ratio steps cover 0–400 ms evenly for any count.
    const leadInput = Math.round(((run * 0.618034) % 1) * 0.4 * inputRate);
    const audio = captured(input, inputRate, leadInput);
    const ring = AudioRing.create(DEFAULT_RING_CAPACITY, false);
    ring.write(audio);
    const transcriber = new RingTranscriber(ring, model, new PipelineStats(createStatsBuffer(false)), () => biasing);
    const ends = await segmentEnds(vad, audio);
    const reading = {
      leadMs: (leadInput / inputRate) * 1000,
      text: '',
      finals: [] as string[],
      segments: ends.length,
      cutMetStart: 0,
      cutMetEnd: 0,
    };
    const texts: string[] = [];
    for (const end of ends) {
      const cut = anchorToSpeech(audio.subarray(end.startSample, end.endSample));
      if (cut.start === 0) reading.cutMetStart++;
      if (cut.end === end.endSample - end.startSample) reading.cutMetEnd++;
      const outcome = await transcriber.transcribe({
        kind: 'final',
        segmentId: end.id,
        ...end,
        shouldContinue: () => true,
      });
      texts.push(outcome.text);
    }
    reading.text = texts.join(' ');
    reading.finals = texts;
    readings.push(reading);
  }
  return readings;
}

/** The fixture behind `leadInput` input samples of silence, resampled as the worklet hands it over. */
function captured(input: Float32Array, inputRate: number, leadInput: number): Float32Array {
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
