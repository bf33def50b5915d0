/**
 * Measures how soon a segment ends after the speech does, what that does to
 * the words, and which mid-sentence pauses a segment still holds across, for
 * segmenter settings given as `releaseDb/postPadMs[/hangoverMs]` ("null" for
 * Silero alone; the hangover defaults to the app's). Each clip is played
 * behind 1 s of silence at two microphone start offsets, clean and (for the
 * synthesized ones) with white noise at about −55 dBFS added, through
 * Silero and the Segmenter; every segment is decoded as the app decodes it
 * (speech-anchored cut). The end latency is from the last loud sample
 * (speech-anchor.ts's threshold) to the frame whose push() ended the
 * segment. Development audio: the espeak-ng dev prose in four voices, and
 * pocketsphinx's LibriVox recordings; for the hesitations, eight dev
 * sentences in two voices with a pause of 250–600 ms put in at the middle
 * word.
 * Needs espeak-ng, pocketsphinx-testdata and the models (`npm install`).
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/measure-release.ts [null/128/320,35/160/384,35/192/448]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { frameRms } from '../src/engine/levels';
import { WASM_GRAPH_OPTIMIZATION } from '../src/engine/onnx';
import { Segmenter } from '../src/engine/segmenter';
import { DecodeBiasing } from '../src/engine/short-segment';
import { SileroVad, VAD_FRAME_SAMPLES } from '../src/engine/silero';
import { anchorToSpeech, DEFAULT_ANCHOR } from '../src/engine/speech-anchor';
import { biasTokenizer, detokenize } from '../src/engine/tokenizer';
import { wordEdits, wordErrorRate } from '../src/engine/wer';
import { SAMPLE_RATE } from '../src/shared/types';
import { developmentProse, loadMoonshine, PROSE, SPEED, synthesise } from '../tests/integration/vocabulary-sets';

const OFFSETS = [0, 263];
const PER_MS = SAMPLE_RATE / 1000;
/** How far past a segment's end to look for its last loud sample. */
const LOOK_PAST = 200 * PER_MS;

const variants = (process.argv[2] ?? 'null/128/320,35/160/384').split(',').map((v) => {
  const [db, postPad, hangover] = v.split('/');
  return {
    label: v,
    releaseBelowLoudestDb: db === 'null' ? null : Number(db),
    postPadMs: Number(postPad),
    ...(hangover ? { hangoverMs: Number(hangover) } : {}),
  };
});
/** Pauses put in the middle of a sentence, as a person hesitates: does the segment hold across them? */
const HESITATIONS_MS = [250, 350, 450, 600];

const dir = mkdtempSync(join(tmpdir(), 'utter-release-'));
ort.env.logLevel = 'error';
const model = await loadMoonshine();
const vad = new SileroVad(
  ort.Tensor,
  await ort.InferenceSession.create('public/models/silero-vad-v5.onnx', {
    graphOptimizationLevel: WASM_GRAPH_OPTIMIZATION.silero,
  }),
);
const biasing = DecodeBiasing.build([], true, biasTokenizer);

/** A fixed sequence, so every run adds the same noise. */
function noise(length: number): Float32Array {
  const out = new Float32Array(length);
  let seed = 1;
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out[i] = (seed / 2147483648 - 0.5) * 0.006;
  }
  return out;
}

interface Frame {
  at: number;
  probability: number;
  rms: number;
}

async function vadFrames(played: Float32Array): Promise<Frame[]> {
  vad.reset();
  const frames: Frame[] = [];
  for (let at = 0; at + VAD_FRAME_SAMPLES <= played.length; at += VAD_FRAME_SAMPLES) {
    const frame = played.slice(at, at + VAD_FRAME_SAMPLES);
    frames.push({ at, probability: await vad.probability(frame), rms: frameRms(frame) });
  }
  return frames;
}

/** The segments a segmenter with these options makes, each with the end of the frame that ended it (null: Stop). */
function segment(frames: readonly Frame[], options: (typeof variants)[number]) {
  const segmenter = new Segmenter(options);
  const ends: { startSample: number; endSample: number; endedAt: number | null }[] = [];
  for (const f of frames) {
    for (const e of segmenter.push(f.at, f.probability, f.rms)) {
      if (e.type === 'end') ends.push({ ...e, endedAt: f.at + VAD_FRAME_SAMPLES });
    }
  }
  for (const e of segmenter.flush()) if (e.type === 'end') ends.push({ ...e, endedAt: null });
  return ends;
}

const clips = developmentProse(dir).map((clip) => ({ ...clip, noisy: clip.human ? [false] : [false, true] }));

interface Tally {
  latencies: number[];
  errors: number;
  words: number;
  segments: number;
  /** Segments whose decode cut met their end: the cut then depends on where the frames fell. */
  cutAtEnd: number;
}
const tallies = variants.map((): Tally => ({ latencies: [], errors: 0, words: 0, segments: 0, cutAtEnd: 0 }));
const decoded = new Map<string, string>();

for (const [index, clip] of clips.entries()) {
  for (const offset of OFFSETS) {
    for (const noisy of clip.noisy) {
      const played = new Float32Array(offset + 2 * SAMPLE_RATE + clip.audio.length);
      played.set(clip.audio, offset + SAMPLE_RATE);
      if (noisy) {
        const added = noise(played.length);
        for (let i = 0; i < played.length; i++) played[i] = (played[i] as number) + (added[i] as number);
      }
      const frames = await vadFrames(played);
      for (const [v, variant] of variants.entries()) {
        const tally = tallies[v] as Tally;
        const ends = segment(frames, variant);
        const texts: string[] = [];
        for (const e of ends) {
          const range = played.subarray(e.startSample, e.endSample);
          const cut = anchorToSpeech(range);
          if (cut.end >= range.length) tally.cutAtEnd++;
          const key = `${index}:${offset}:${noisy}:${e.startSample + cut.start}:${e.startSample + cut.end}`;
          let text = decoded.get(key);
          if (text === undefined) {
            const audio = range.subarray(cut.start, cut.end);
            text = detokenize((await model.decode(audio, { biasing: biasing.forSamples(audio.length) })).tokens);
            decoded.set(key, text);
          }
          texts.push(text);
          if (e.endedAt === null) continue;
          const wide = played.subarray(e.startSample, Math.min(played.length, e.endSample + LOOK_PAST));
          const wideCut = anchorToSpeech(wide);
          if (wideCut.end < wide.length) {
            const lastLoud = e.startSample + wideCut.end - DEFAULT_ANCHOR.trailMs * PER_MS;
            tally.latencies.push((e.endedAt - lastLoud) / PER_MS);
          }
        }
        tally.errors += wordEdits(clip.text, texts.join(' '));
        tally.words += wordErrorRate(clip.text, '').refWords;
        tally.segments += ends.length;
      }
    }
  }
  console.error(`clip ${index + 1}/${clips.length}`);
}

// Hesitations: the first sentences of the dev prose in two voices, a pause of each length at the
// middle word boundary (an SSML break), clean, behind 1 s of silence. Bridged = one segment.
const bridged = variants.map(() => HESITATIONS_MS.map(() => 0));
let hesitations = 0;
for (const text of PROSE.dev.slice(0, 8)) {
  const words = text.split(' ');
  const half = Math.ceil(words.length / 2);
  for (const voice of ['en-us', 'en-gb']) {
    for (const [h, pauseMs] of HESITATIONS_MS.entries()) {
      const ssml = `<speak>${words.slice(0, half).join(' ')}<break time="${pauseMs}ms"/>${words.slice(half).join(' ')}</speak>`;
      const speech = synthesise(dir, ssml, voice, SPEED.dev, { ssml: true });
      const played = new Float32Array(2 * SAMPLE_RATE + speech.length);
      played.set(speech, SAMPLE_RATE);
      const frames = await vadFrames(played);
      for (const [v, variant] of variants.entries()) {
        if (segment(frames, variant).length === 1) (bridged[v] as number[])[h]++;
      }
      if (h === 0) hesitations++;
    }
  }
}
rmSync(dir, { recursive: true, force: true });

const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? Number.NaN);
};
for (const [v, variant] of variants.entries()) {
  const t = tallies[v] as Tally;
  console.log(
    JSON.stringify({
      variant: variant.label,
      wer: `${((100 * t.errors) / t.words).toFixed(2)}%`,
      words: t.words,
      segments: t.segments,
      cutAtEnd: t.cutAtEnd,
      endAfterSpeechMs: { p50: percentile(t.latencies, 50), p95: percentile(t.latencies, 95), n: t.latencies.length },
      hesitationsBridged: Object.fromEntries(
        HESITATIONS_MS.map((ms, h) => [`${ms} ms`, `${bridged[v]?.[h]}/${hesitations}`]),
      ),
    }),
  );
}
