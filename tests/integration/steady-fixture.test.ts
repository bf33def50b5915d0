/**
 * The fault tests (tests/e2e/faults.spec.ts) compare a dictation with a fault
 * against another browser run without one, whose microphone started at
 * another point of the recording. That comparison means something only if
 * the recording reads the same wherever the microphone starts. This checks
 * it through the app's own chain with the real models, at a dozen start
 * points (scripts/check-steady-fixture.ts runs more, and other fixtures).
 * It fails if the decode's cut goes back to following the voice detector's
 * frames (src/engine/speech-anchor.ts), or if a model or decoding change makes
 * the recording's words depend on where the frames fall.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeForWer, wordsInOrder } from '../../src/engine/wer';
import { readAtStartOffsets } from './start-offsets';

const FIXTURE = 'tests/fixtures/generated/steady-44k.wav';
const REFERENCE = (JSON.parse(readFileSync('tests/fixtures/transcripts.json', 'utf8')) as Record<string, string>)[
  'steady-44k.wav'
];

describe('the fault tests’ recording', () => {
  it('reads the same words at every microphone start', { timeout: 180_000 }, async () => {
    if (!existsSync(FIXTURE)) execFileSync('bash', ['scripts/make-fixtures.sh'], { stdio: 'inherit' });
    const readings = await readAtStartOffsets(FIXTURE, 12);
    const words = readings.map((r) => normalizeForWer(r.text).join(' '));
    const detail = readings.map((r) => `${r.leadMs.toFixed(0)} ms: ${r.text}`).join('\n');
    console.log(
      `steady-44k.wav at 12 start offsets, reference words in order: ${readings.map((r) => wordsInOrder(REFERENCE ?? '', r.text)).join(', ')}`,
    );
    expect(new Set(words).size, detail).toBe(1);
    expect(
      readings.every((r) => r.segments === 4),
      detail,
    ).toBe(true);
  });
});
