import { describe, expect, it } from 'vitest';
import { AudioRing } from '../../src/audio/ring';
import { TermBiasing } from '../../src/engine/biasing';
import type { DecodeOptions, MoonshineModel } from '../../src/engine/moonshine';
import { DecodeBiasing } from '../../src/engine/short-segment';
import { biasTokenizer } from '../../src/engine/tokenizer';
import { RingTranscriber } from '../../src/engine/transcriber';
import { createStatsBuffer, PipelineStats } from '../../src/shared/stats';
import { SAMPLE_RATE } from '../../src/shared/types';

// The person's Vocabulary list reaches every decode RingTranscriber makes:
// live text (partials, short and long) as well as finals. The model here is a
// stand-in that keeps the bias each decode was given; what the bias does to
// the real model's words is tested in tests/integration/vocabulary-biasing.test.ts.

/** Tokens a bias boosts at a decode's first step. */
const boostedAtStart = (biasing: TermBiasing | null | undefined): number[] =>
  biasing
    ? biasing
        .begin()
        .apply(new Float32Array(40_000), 0)
        .sort((a, b) => a - b)
    : [];

function dictation(terms: string[], commands: boolean) {
  const seconds = 3;
  const ring = AudioRing.create(1 << 18, false);
  // A steady tone: speech to the anchor from end to end.
  ring.write(Float32Array.from({ length: seconds * SAMPLE_RATE }, (_, i) => 0.3 * Math.sin(i / 5)));
  const given: { samples: number; biasing: TermBiasing | null | undefined }[] = [];
  const model = {
    whenWarm: async () => {},
    decode: async (audio: Float32Array, options: DecodeOptions) => {
      given.push({ samples: audio.length, biasing: options.biasing });
      return {
        tokens: biasTokenizer.encode('Hello.', true),
        finished: true,
        aborted: false,
        encoderMs: 0,
        decoderMs: 0,
      };
    },
  } as unknown as MoonshineModel;
  const biasing = DecodeBiasing.build(terms, commands, biasTokenizer);
  const transcriber = new RingTranscriber(ring, model, new PipelineStats(createStatsBuffer(false)), () => biasing);
  const request = (kind: 'partial' | 'final', endSeconds: number) =>
    transcriber.transcribe({
      kind,
      segmentId: 1,
      startSample: 0,
      endSample: endSeconds * SAMPLE_RATE,
      shouldContinue: () => true,
    });
  return { request, given };
}

describe('RingTranscriber and the Vocabulary list', () => {
  it.each([true, false])(
    'biases short and long partials and the final towards the listed terms (commands %s)',
    async (commands) => {
      const { request, given } = dictation(['Thessaloniki'], commands);
      await request('partial', 1);
      await request('partial', 2.5);
      await request('final', 3);
      const term = boostedAtStart(TermBiasing.build(['Thessaloniki'], biasTokenizer));
      expect(term.length).toBeGreaterThan(0);
      expect(given.map((g) => g.samples > 2 * SAMPLE_RATE)).toEqual([false, true, true]);
      for (const { biasing } of given) expect(boostedAtStart(biasing)).toEqual(expect.arrayContaining(term));
    },
  );

  it('without a list, and with commands off, decodes with no bias at all', async () => {
    const { request, given } = dictation([], false);
    await request('partial', 1);
    await request('final', 3);
    expect(given.map((g) => boostedAtStart(g.biasing))).toEqual([[], []]);
  });
});
