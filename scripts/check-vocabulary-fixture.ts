/**
 * Checks that the Vocabulary e2e fixture (vocabulary-tickets-44k.wav) decides
 * tests/e2e/vocabulary.spec.ts whatever the run's timing: with the list, the
 * listed name and the words the replacement line rewrites must come out right;
 * without it, the name must come out wrong. Plays the fixture through the
 * app's own chain at start points spread over 0–400 ms at arbitrary sample
 * offsets, not on a 10 ms grid (tests/integration/start-offsets.ts): both
 * where the voice detector's frames fall and the resampler's phase move the
 * decode. Exits non-zero on any miss.
 *
 * Chromium also processes the microphone's signal before the app sees it
 * (getUserMedia's default gain control and noise suppression), which this
 * cannot model. The first fixture, "Our next trip is to Thessaloniki in
 * June.", passed an earlier version of this check that stepped the start by
 * 10 ms (160 samples at 16 kHz: always the same resampler phase), yet read
 * three ways in the browser, one without "next trip". So a new sentence is
 * also tried in the e2e test, repeated:
 * `npx playwright test tests/e2e/vocabulary.spec.ts --repeat-each 10`.
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/check-vocabulary-fixture.ts [OFFSETS]
 */
import { readAtStartOffsets } from '../tests/integration/start-offsets';

/** What tests/e2e/vocabulary.spec.ts lists and expects. */
const FIXTURE = 'tests/fixtures/generated/vocabulary-tickets-44k.wav';
const TERM = 'Thessaloniki';
/** The e2e test's replacement line rewrites "two tickets" and expects this around it, so it must be heard. */
const HEARD = 'book two tickets to';
const offsets = Number(process.argv[2] ?? 32);

const withList = await readAtStartOffsets(FIXTURE, offsets, [TERM]);
const without = await readAtStartOffsets(FIXTURE, offsets, []);
let misses = 0;
for (const [i, listed] of withList.entries()) {
  const plain = without[i]?.text ?? '';
  const ok = listed.text.includes(TERM) && listed.text.toLowerCase().includes(HEARD) && !plain.includes(TERM);
  if (!ok) misses++;
  console.log(
    `${ok ? 'ok  ' : 'MISS'} ${listed.leadMs.toFixed(1).padStart(5)} ms: with «${listed.text}» | without «${plain}»`,
  );
}
console.log(
  `${offsets - misses}/${offsets} starts decided the test (“${HEARD}” and ${TERM} with the list, not ${TERM} without it)`,
);
process.exit(misses > 0 ? 1 : 0);
