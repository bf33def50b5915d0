/**
 * Prints what each segment of a fixture reads as, at start points spread over
 * 0–400 ms, played through the app's own chain in Node
 * (tests/integration/start-offsets.ts): how to check that an end-to-end test's
 * recording reads the same whatever the microphone's start. `off` decodes as
 * with the Voice commands setting turned off.
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/read-fixture.ts stop-dictation-44k.wav [starts] [off]
 */
import { readAtStartOffsets } from '../tests/integration/start-offsets';

const [fixture, starts = '16', commands] = process.argv.slice(2);
if (!fixture) throw new Error('usage: read-fixture.ts FIXTURE.wav [starts] [off]');
const readings = await readAtStartOffsets(
  `tests/fixtures/generated/${fixture}`,
  Number(starts),
  [],
  commands !== 'off',
);
for (const reading of readings)
  console.log(`${reading.leadMs.toFixed(0).padStart(4)} ms: ${JSON.stringify(reading.finals)}`);
