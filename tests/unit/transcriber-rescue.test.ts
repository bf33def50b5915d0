import type { Tensor } from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { AudioRing } from '../../src/audio/ring';
import type { DecodeOptions, MoonshineModel } from '../../src/engine/moonshine';
import { ScoringAbandoned, type SequenceScorer } from '../../src/engine/sequence-scorer';
import { DecodeBiasing, SHORT_SEGMENT_SAMPLES } from '../../src/engine/short-segment';
import { biasTokenizer } from '../../src/engine/tokenizer';
import { RingTranscriber } from '../../src/engine/transcriber';
import { createStatsBuffer, PipelineStats } from '../../src/shared/stats';
import { SAMPLE_RATE } from '../../src/shared/types';

// How RingTranscriber hands a short final to its second look: the command
// rescue (command-rescue.ts) and words for a final ended at once
// (ended-at-once.ts). The decoder and scorer are stand-ins that write
// "Dear Riot," and find "Period." nearly as likely. The rescue itself is
// tested in command-rescue.test.ts, and on the real model in
// tests/integration/commands.test.ts.
const HEARD = 'Dear Riot,';
const tokens = (text: string) => biasTokenizer.encode(text, true);

function transcriberFor(seconds: number, { commands = true, finished = true, heard = HEARD, again = HEARD } = {}) {
  const ring = AudioRing.create(1 << 18, false);
  const samples = Math.round(seconds * SAMPLE_RATE);
  // A steady tone: speech to the anchor from end to end.
  ring.write(Float32Array.from({ length: samples }, (_, i) => 0.3 * Math.sin(i / 5)));
  let scored = 0;
  /** Log-probabilities for the segment's audio (`retry`: as the retry's encoding, where "No." was said). */
  const scoreOf = (sequence: readonly number[], retry: boolean) => {
    const key = sequence.join(' ');
    if (key === '') return -0.8; // the end at once: the model was unsure
    if (key === tokens('No.').join(' ')) return -1.5;
    if (key === tokens(HEARD).join(' ')) return -2;
    return key === tokens('Period.').join(' ') && !retry ? -4 : -30;
  };
  let decodes = 0;
  const model = {
    whenWarm: async () => {},
    // The segment decodes to `heard`; any decode after that (the final guard's pieces) to `again`.
    decode: async (_audio: Float32Array, options: DecodeOptions) => ({
      // A retry with the end barred at first writes "No." (ended-at-once.ts).
      tokens: options.somethingFirst ? tokens('No.') : tokens(decodes++ === 0 ? heard : again),
      finished,
      aborted: false,
      encoderMs: 0,
      decoderMs: 0,
      draftSteps: 0,
      // The encoding is opaque to the transcriber: it only hands it back to `scorer`.
      encoding: options.keepEncoding ? ({ retry: options.somethingFirst === true } as unknown as Tensor) : undefined,
    }),
    scorer: (hidden: Tensor, shouldContinue = () => true): SequenceScorer => ({
      score: async (sequences, floor = Number.NEGATIVE_INFINITY) => {
        // As the real scorer: the caller is asked before each decoder run.
        if (!shouldContinue()) throw new ScoringAbandoned();
        scored++;
        const retry = (hidden as unknown as { retry: boolean }).retry;
        return sequences.map((s) => (scoreOf(s, retry) >= floor ? scoreOf(s, retry) : Number.NEGATIVE_INFINITY));
      },
    }),
  } as unknown as MoonshineModel;
  const biasing = DecodeBiasing.build([], commands, biasTokenizer);
  const transcriber = new RingTranscriber(ring, model, new PipelineStats(createStatsBuffer(false)), () => biasing);
  const request = (
    kind: 'partial' | 'final',
    { shouldContinue = () => true, shownText = '' }: { shouldContinue?: () => boolean; shownText?: string } = {},
  ) => transcriber.transcribe({ kind, segmentId: 1, startSample: 0, endSample: samples, shouldContinue, shownText });
  return { request, scored: () => scored };
}

describe('RingTranscriber’s second look at a short final', () => {
  it('gives a short final that is no command a second look', async () => {
    const { request, scored } = transcriberFor(1);
    expect((await request('final')).text).toBe('Period.');
    expect(scored()).toBe(2); // its own text, then the commands
  });

  it('leaves partials, long segments and dictation with commands off as decoded', async () => {
    const partial = transcriberFor(1);
    expect((await partial.request('partial')).text).toBe(HEARD);
    const long = transcriberFor(SHORT_SEGMENT_SAMPLES / SAMPLE_RATE + 0.5);
    expect((await long.request('final')).text).toBe(HEARD);
    const off = transcriberFor(1, { commands: false });
    expect((await off.request('final')).text).toBe(HEARD);
    expect(partial.scored() + long.scored() + off.scored()).toBe(0);
  });

  it('leaves a decode that ran out of tokens: its end was never chosen, so its score says little', async () => {
    const unfinished = transcriberFor(1, { finished: false });
    expect((await unfinished.request('final')).text).toBe(HEARD);
    expect(unfinished.scored()).toBe(0);
  });

  it('scores the decoder’s own text only, not what the final guard pieced together', async () => {
    // The partial showed words the final dropped: the guard decodes pieces again and adds them.
    const shown = 'Hello there, general Kenobi.';
    const guarded = transcriberFor(1, { again: shown });
    const outcome = await guarded.request('final', { shownText: shown });
    expect(outcome.text).not.toBe(HEARD);
    expect(outcome.text).not.toBe('Period.');
    expect(guarded.scored()).toBe(0);
    // A partial the final agrees with leaves the guard nothing to do: the rescue runs.
    const agreed = transcriberFor(1);
    expect((await agreed.request('final', { shownText: HEARD })).text).toBe('Period.');
  });

  it('abandons the final once it is no longer worth finishing', async () => {
    let asks = 0;
    // The decode is a stand-in that never asks; the scorer's ask is the first.
    const { request, scored } = transcriberFor(1);
    const outcome = await request('final', { shouldContinue: () => ++asks < 1 });
    expect(outcome.aborted).toBe(true);
    expect(scored()).toBe(0);
  });

  it('gives words back to a short final the model ended at once, whether commands are on or off', async () => {
    for (const commands of [true, false]) {
      const empty = transcriberFor(1, { commands, heard: '', again: '' });
      expect((await empty.request('final')).text).toBe('No.');
      expect((await empty.request('partial')).text).toBe('');
    }
    const long = transcriberFor(SHORT_SEGMENT_SAMPLES / SAMPLE_RATE + 0.5, { heard: '' });
    expect((await long.request('final')).text).toBe('');
  });

  it('leaves an empty final after a partial that showed words to the final guard', async () => {
    // The guard decodes pieces again ("No way." here) and keeps what the partial showed: no retry.
    const guarded = transcriberFor(1, { heard: '', again: 'No way.' });
    const outcome = await guarded.request('final', { shownText: 'No way.' });
    expect(outcome.text).toContain('No way');
    expect(guarded.scored()).toBe(0);
  });

  it('abandons a final ended at once whose retry is no longer wanted', async () => {
    let asks = 0;
    // The first ask scores the end at once; the second, the retry's words, says stop.
    const { request } = transcriberFor(1, { heard: '', again: '' });
    const outcome = await request('final', { shouldContinue: () => ++asks < 2 });
    expect(outcome.aborted).toBe(true);
  });
});
