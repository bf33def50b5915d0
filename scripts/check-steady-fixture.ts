/**
 * Checks that a dictation fixture reads the same wherever the microphone
 * starts, which the fault tests (tests/e2e/faults.spec.ts) rely on: they
 * compare a dictation with a fault against another run without one. Plays
 * the fixture through the app's own chain behind 0–400 ms of silence
 * (tests/integration/start-offsets.ts) and prints each reading with how many
 * reference words it has in order, and how often the decode's speech-anchored
 * cut (src/engine/speech-anchor.ts) met the segment's edges. Exits non-zero
 * when two readings differ by more than MAX_SPREAD reference words.
 * tests/integration/steady-fixture.test.ts runs a shorter version.
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/check-steady-fixture.ts [OFFSETS] [FIXTURE] [REFERENCE KEY]
 */
import { readFileSync } from 'node:fs';
import { wordsInOrder } from '../src/engine/wer';
import { readAtStartOffsets } from '../tests/integration/start-offsets';

/** tests/e2e/faults.spec.ts compares a run with a fault to one without word for word. */
const MAX_SPREAD = 0;
const offsets = Number(process.argv[2] ?? 32);
const fixture = process.argv[3] ?? 'tests/fixtures/generated/steady-44k.wav';
const key = process.argv[4] ?? 'steady-44k.wav';
const reference = (JSON.parse(readFileSync('tests/fixtures/transcripts.json', 'utf8')) as Record<string, string>)[key];
if (!reference) throw new Error(`tests/fixtures/transcripts.json has no "${key}"`);

const runs = await readAtStartOffsets(fixture, offsets);
const readings = new Map<string, { runs: number; words: number }>();
for (const run of runs) {
  const known = readings.get(run.text) ?? { runs: 0, words: wordsInOrder(reference, run.text) };
  known.runs++;
  readings.set(run.text, known);
  console.log(`${run.leadMs.toFixed(0).padStart(4)} ms: ${known.words} words | ${run.text}`);
}
const words = [...readings.values()].map((r) => r.words);
const spread = Math.max(...words) - Math.min(...words);
const sum = (pick: (r: (typeof runs)[number]) => number) => runs.reduce((total, r) => total + pick(r), 0);
console.log(
  JSON.stringify({
    fixture,
    offsets,
    readings: [...readings].map(([text, r]) => ({ runs: r.runs, wordsInOrder: r.words, text })),
    referenceWords: wordsInOrder(reference, reference),
    spread,
    cutMetSegmentEdge: {
      start: sum((r) => r.cutMetStart),
      end: sum((r) => r.cutMetEnd),
      segments: sum((r) => r.segments),
    },
  }),
);
if (spread > MAX_SPREAD) {
  console.error(`check-steady-fixture: readings differ by ${spread} reference words (at most ${MAX_SPREAD})`);
  process.exit(1);
}
