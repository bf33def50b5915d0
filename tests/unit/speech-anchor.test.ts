import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anchorToSpeech, DEFAULT_ANCHOR } from '../../src/engine/speech-anchor';

const RATE = DEFAULT_ANCHOR.sampleRate;
const ms = (n: number) => Math.round((n * RATE) / 1000);

/** Speech-like bursts (a 180 Hz tone, growing then fading) with quiet between, over a noise floor. */
function utterance(burstsMs: number[], gapMs: number, amplitude: number, seed: number): Float32Array {
  const total = burstsMs.reduce((sum, n) => sum + ms(n) + ms(gapMs), 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const burst of burstsMs) {
    const n = ms(burst);
    for (let i = 0; i < n; i++)
      out[at + i] = amplitude * Math.sin((i / n) * Math.PI) * Math.sin((2 * Math.PI * 180 * i) / RATE);
    at += n + ms(gapMs);
  }
  let state = seed;
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = (out[i] as number) + ((state / 2147483648) * 2 - 1) * 1e-4;
  }
  return out;
}

function withSilence(before: number, speech: Float32Array, after: number): Float32Array {
  const out = new Float32Array(before + speech.length + after);
  out.set(speech, before);
  return out;
}

describe('anchorToSpeech', () => {
  it('cuts the same speech at the same samples however much silence the segment carries around it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 80, max: 600 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 40, max: 200 }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: ms(DEFAULT_ANCHOR.leadMs), max: ms(600) }),
        fc.integer({ min: ms(DEFAULT_ANCHOR.leadMs), max: ms(600) }),
        fc.integer({ min: ms(DEFAULT_ANCHOR.trailMs), max: ms(600) }),
        fc.integer({ min: ms(DEFAULT_ANCHOR.trailMs), max: ms(600) }),
        (bursts, gap, amplitude, seed, beforeA, beforeB, afterA, afterB) => {
          const speech = utterance(bursts, gap, amplitude, seed);
          const a = withSilence(beforeA, speech, afterA);
          const b = withSilence(beforeB, speech, afterB);
          const cutA = anchorToSpeech(a);
          const cutB = anchorToSpeech(b);
          expect(cutA.start - beforeA).toBe(cutB.start - beforeB);
          expect(cutA.end - beforeA).toBe(cutB.end - beforeB);
        },
      ),
    );
  });

  it('keeps the lead and the trail around the loud part, inside the audio', () => {
    const speech = utterance([300, 200], 100, 0.5, 7);
    const audio = withSilence(ms(500), speech, ms(500));
    const { start, end } = anchorToSpeech(audio);
    let first = 0;
    while (Math.abs(audio[first] as number) < 0.5 * DEFAULT_ANCHOR.relativeLevel) first++;
    let last = audio.length - 1;
    while (Math.abs(audio[last] as number) < 0.5 * DEFAULT_ANCHOR.relativeLevel) last--;
    expect(start).toBe(first - ms(DEFAULT_ANCHOR.leadMs));
    expect(end).toBe(last + 1 + ms(DEFAULT_ANCHOR.trailMs));
    const tight = anchorToSpeech(speech);
    expect(tight.start).toBe(0);
    expect(tight.end).toBe(speech.length);
  });

  it('leaves silence, and speech no louder than the room, whole', () => {
    expect(anchorToSpeech(new Float32Array(ms(300)))).toEqual({ start: 0, end: ms(300) });
    expect(anchorToSpeech(new Float32Array(0))).toEqual({ start: 0, end: 0 });
    let state = 3;
    const noise = Float32Array.from({ length: ms(500) }, () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return ((state / 2147483648) * 2 - 1) * 0.2;
    });
    expect(anchorToSpeech(noise)).toEqual({ start: 0, end: noise.length });
  });
});
