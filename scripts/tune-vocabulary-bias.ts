/**
 * Tunes the vocabulary bias (src/engine/biasing.ts) on the development half
 * of our own espeak-ng set (tests/integration/vocabulary-sets.ts): for each
 * bonus, the recall of the listed terms in their
 * sentences, and the WER of general prose with a 50-term unrelated list
 * against no list. Needs espeak-ng, sox and the models (`npm install`).
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/tune-vocabulary-bias.ts [bonus,…]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BiasOptions, TermBiasing } from '../src/engine/biasing';
import type { MoonshineModel } from '../src/engine/moonshine';
import { biasTokenizer, detokenize } from '../src/engine/tokenizer';
import { wordErrorRate } from '../src/engine/wer';
import {
  loadMoonshine,
  PROSE,
  SPEED,
  synthesise,
  TERM_SENTENCES,
  termRecalled,
  UNRELATED_TERMS,
  VOICES,
} from '../tests/integration/vocabulary-sets';

const bonuses = (process.argv[2] ?? '0,1,2,3,4,5').split(',').map(Number);

const dir = mkdtempSync(join(tmpdir(), 'utter-vocabulary-'));
const model: MoonshineModel = await loadMoonshine();
const termClips = TERM_SENTENCES.flatMap(({ term, dev }) =>
  VOICES.map((voice) => ({ term, voice, text: dev, audio: synthesise(dir, dev, voice, SPEED.dev) })),
);
const proseClips = PROSE.dev.flatMap((text) =>
  VOICES.map((voice) => ({ voice, text, audio: synthesise(dir, text, voice, SPEED.dev) })),
);
rmSync(dir, { recursive: true, force: true });

async function hear(audio: Float32Array, biasing: TermBiasing | null): Promise<string> {
  return detokenize((await model.decode(audio, { biasing })).tokens);
}

/** Pooled WER over all clips: total edits / total reference words. */
async function proseWer(biasing: TermBiasing | null): Promise<number> {
  let edits = 0;
  let words = 0;
  for (const clip of proseClips) {
    const r = wordErrorRate(clip.text, await hear(clip.audio, biasing));
    edits += r.substitutions + r.deletions + r.insertions;
    words += r.refWords;
  }
  return (100 * edits) / words;
}

async function recall(biasing: TermBiasing | null, show = false): Promise<number> {
  let hits = 0;
  for (const clip of termClips) {
    const heard = await hear(clip.audio, biasing);
    if (termRecalled(clip.term, heard)) hits++;
    else if (show) console.log(`  missed ${clip.term} (${clip.voice}): ${heard}`);
  }
  return (100 * hits) / termClips.length;
}

const terms = TERM_SENTENCES.map((t) => t.term);
console.log(`${termClips.length} term clips, ${proseClips.length} prose clips, voices ${VOICES.join(' ')}`);
const baseRecall = await recall(null, true);
const baseWer = await proseWer(null);
console.log(`no list: recall ${baseRecall.toFixed(1)}%  prose WER ${baseWer.toFixed(2)}%`);
for (const bonus of bonuses) {
  if (bonus === 0) continue;
  const options: BiasOptions = { bonus };
  const r = await recall(TermBiasing.build(terms, biasTokenizer, options));
  const w = await proseWer(TermBiasing.build(UNRELATED_TERMS, biasTokenizer, options));
  console.log(
    `bonus ${bonus}: recall ${r.toFixed(1)}%  prose WER with 50 unrelated ${w.toFixed(2)}% (${(w - baseWer).toFixed(2)} points)`,
  );
}
