import type { Tensor } from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { AudioRing } from '../../src/audio/ring';
import type { DecodeOptions, MoonshineModel, SequenceScorer } from '../../src/engine/moonshine';
import { DecodeBiasing, SHORT_SEGMENT_SAMPLES } from '../../src/engine/short-segment';
import { biasTokenizer } from '../../src/engine/tokenizer';
import { RingTranscriber } from '../../src/engine/transcriber';
import { createStatsBuffer, PipelineStats } from '../../src/shared/stats';
import { SAMPLE_RATE } from '../../src/shared/types';

// How RingTranscriber hands a short final to the command rescue
// (command-rescue.ts): the decoder and scorer are stand-ins that write
// "Dear Riot," and find "Period." nearly as likely. The rescue itself is
// tested in command-rescue.test.ts, and on the real model in
// tests/integration/commands.test.ts.
const HEARD = 'Dear Riot,';
const tokens = (text: string) => biasTokenizer.encode(text, true);

function transcriberFor(seconds: number, commands = true) {
  const ring = AudioRing.create(1 << 18, false);
  const samples = Math.round(seconds * SAMPLE_RATE);
  // A steady tone: speech to the anchor from end to end.
  ring.write(Float32Array.from({ length: samples }, (_, i) => 0.3 * Math.sin(i / 5)));
  let scored = 0;
  const scorer: SequenceScorer = {
    score: async (sequences, floor = Number.NEGATIVE_INFINITY) =>
      sequences.map((s) => {
        const score =
          s.join(' ') === tokens(HEARD).join(' ') ? -2 : s.join(' ') === tokens('Period.').join(' ') ? -4 : -30;
        return score >= floor ? score : Number.NEGATIVE_INFINITY;
      }),
  };
  const model = {
    whenWarm: async () => {},
    decode: async (_audio: Float32Array, options: DecodeOptions) => ({
      tokens: tokens(HEARD),
      finished: true,
      aborted: false,
      encoderMs: 0,
      decoderMs: 0,
      draftSteps: 0,
      // The encoding is opaque to the transcriber: it only hands it back to `scorer`.
      encoding: options.keepEncoding ? ({} as Tensor) : undefined,
    }),
    scorer: () => {
      scored++;
      return scorer;
    },
  } as unknown as MoonshineModel;
  const biasing = DecodeBiasing.build([], commands, biasTokenizer);
  const transcriber = new RingTranscriber(ring, model, new PipelineStats(createStatsBuffer(false)), () => biasing);
  const request = (kind: 'partial' | 'final', shouldContinue = () => true) =>
    transcriber.transcribe({ kind, segmentId: 1, startSample: 0, endSample: samples, shouldContinue });
  return { request, scored: () => scored };
}

describe('RingTranscriber and the command rescue', () => {
  it('gives a short final that is no command a second look', async () => {
    const { request, scored } = transcriberFor(1);
    expect((await request('final')).text).toBe('Period.');
    expect(scored()).toBe(1);
  });

  it('leaves partials, long segments and dictation with commands off as decoded', async () => {
    const partial = transcriberFor(1);
    expect((await partial.request('partial')).text).toBe(HEARD);
    const long = transcriberFor(SHORT_SEGMENT_SAMPLES / SAMPLE_RATE + 0.5);
    expect((await long.request('final')).text).toBe(HEARD);
    const off = transcriberFor(1, false);
    expect((await off.request('final')).text).toBe(HEARD);
    expect(partial.scored() + long.scored() + off.scored()).toBe(0);
  });

  it('abandons the final, scoring nothing, once it is no longer worth finishing', async () => {
    let asks = 0;
    // The decode itself is a stand-in that never asks; the rescue's ask is the first.
    const { request, scored } = transcriberFor(1);
    const outcome = await request('final', () => ++asks < 1);
    expect(outcome.aborted).toBe(true);
    expect(scored()).toBe(0);
  });
});
