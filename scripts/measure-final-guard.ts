/**
 * What the final guard (src/engine/final-guard.ts) does to finals, given the
 * last partial shown before them. Each clip's whole-range decode is the final;
 * the partial is a decode of its first 30, 40, … 90%, as when a final follows
 * a partial made that much earlier (under load, or right after the speech
 * model loaded). Prints how often the guard fired, how many finals it changed,
 * and how many of those for the worse or the better (word errors against the
 * reference). Development audio only: the espeak-ng dev prose in four voices
 * and pocketsphinx's LibriVox recordings.
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/measure-final-guard.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardFinal } from '../src/engine/final-guard';
import { detokenize } from '../src/engine/tokenizer';
import { wordEdits, wordErrorRate } from '../src/engine/wer';
import { humanProseClips, loadMoonshine, synthesisedProseClips } from '../tests/integration/vocabulary-sets';

const dir = mkdtempSync(join(tmpdir(), 'utter-guard-'));
const model = await loadMoonshine();
const clips = [...humanProseClips(dir), ...synthesisedProseClips(dir, 'dev')];
const CUTS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const tally = { fired: 0, changed: 0, worse: 0, better: 0 };
let cases = 0;
let words = 0;
const errors = { whole: 0, guarded: 0 };
for (const { text, audio } of clips) {
  const whole = detokenize((await model.decode(audio)).tokens);
  const decode = async (piece: Float32Array) => detokenize((await model.decode(piece)).tokens);
  for (const cut of CUTS) {
    const partial = detokenize((await model.decode(audio.subarray(0, Math.floor(audio.length * cut)))).tokens);
    cases++;
    words += wordErrorRate(text, '').refWords;
    const before = wordEdits(text, whole);
    errors.whole += before;
    const guarded = await guardFinal({ partialText: partial, finalText: whole, audio, decode });
    if (guarded.check.dropped) tally.fired++;
    const after = wordEdits(text, guarded.text);
    errors.guarded += after;
    if (guarded.text !== whole) {
      tally.changed++;
      if (after > before) tally.worse++;
      if (after < before) tally.better++;
      console.log(
        `${guarded.source}: partial "${partial}" | whole "${whole}" → "${guarded.text}" (${before}→${after} errors)`,
      );
    }
  }
}
rmSync(dir, { recursive: true, force: true });
const wer = (e: number) => `${((100 * e) / words).toFixed(2)}%`;
console.log(
  JSON.stringify({
    clips: clips.length,
    cases,
    ...tally,
    werWhole: wer(errors.whole),
    werGuarded: wer(errors.guarded),
  }),
);
