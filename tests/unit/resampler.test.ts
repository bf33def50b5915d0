import { describe, expect, it } from 'vitest';
import { designResampler, downmixInto, StreamingResampler } from '../../src/audio/resampler';

/** mulberry32: small seeded PRNG so chunk patterns are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sine(rate: number, freq: number, seconds: number, amp = 1): Float32Array {
  const x = new Float32Array(Math.floor(rate * seconds));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

function oneShot(r: StreamingResampler, x: Float32Array): Float32Array {
  const out = new Float32Array(r.maxOutputFor(x.length));
  const n = r.process(x, x.length, out);
  return out.slice(0, n);
}

/** Gain in dB of a unit sine through the resampler, over steady-state output only. */
function toneGainDb(rate: number, freq: number): number {
  const r = new StreamingResampler(rate);
  const y = oneShot(r, sine(rate, freq, 0.5));
  // Skip the warm-up (filter filling from zeros) at the front; the tail is
  // steady because the filter only looks backwards.
  const skip = Math.ceil(r.delaySamples * 2) + 8;
  let sum = 0;
  for (let i = skip; i < y.length; i++) sum += (y[i] as number) ** 2;
  const rms = Math.sqrt(sum / (y.length - skip));
  return 20 * Math.log10(rms / Math.SQRT1_2);
}

describe('StreamingResampler', () => {
  for (const rate of [44100, 48000]) {
    describe(`${rate} Hz → 16 kHz`, () => {
      it('passes a 1 kHz tone within 0.5 dB', () => {
        expect(Math.abs(toneGainDb(rate, 1000))).toBeLessThan(0.5);
      });

      // 40 dB is the requirement; the Kaiser design targets 70, so hold it to 60.
      for (const freq of [8200, 9000, 10000, 12000]) {
        it(`attenuates a ${freq} Hz tone (would alias) by at least 60 dB`, () => {
          expect(toneGainDb(rate, freq)).toBeLessThan(-60);
        });
      }

      it('is linear-phase with the advertised constant delay', () => {
        const r = new StreamingResampler(rate);
        const y = oneShot(r, sine(rate, 1000, 0.25));
        // Output n is the input signal at output time n - delaySamples.
        let worst = 0;
        for (let n = Math.ceil(r.delaySamples * 2) + 8; n < y.length; n++) {
          const expected = Math.sin((2 * Math.PI * 1000 * (n - r.delaySamples)) / 16000);
          worst = Math.max(worst, Math.abs((y[n] as number) - expected));
        }
        expect(worst).toBeLessThan(1e-3);
      });

      it('output count tracks input × 16000 / rate within ±2 with no drift', () => {
        // taps: 2 keeps this cheap; the count logic does not depend on taps
        // (checked against the default filter for the first 20 s below).
        const long = new StreamingResampler(rate, 16000, { taps: 2 });
        const normal = new StreamingResampler(rate);
        const chunk = new Float32Array(128);
        const out = new Float32Array(long.maxOutputFor(128));
        let inTotal = 0;
        let outLong = 0;
        let outNormal = 0;
        let worst = 0;
        const chunks = Math.ceil((rate * 600) / 128); // 10 minutes
        for (let c = 0; c < chunks; c++) {
          outLong += long.process(chunk, 128, out);
          if (c * 128 < rate * 20) outNormal += normal.process(chunk, 128, out);
          inTotal += 128;
          worst = Math.max(worst, Math.abs(outLong - (inTotal * 16000) / rate));
          if (c * 128 < rate * 20) expect(outNormal).toBe(outLong);
        }
        expect(worst).toBeLessThanOrEqual(2);
      });
    });
  }

  // 47999 has no small rational ratio, so it exercises the interpolated table.
  for (const rate of [44100, 48000, 47999, 8000]) {
    it(`chunked processing is bit-identical to one-shot at ${rate} Hz`, () => {
      const rand = prng(rate);
      const x = new Float32Array(rate); // 1 s of a tone plus noise
      for (let i = 0; i < x.length; i++) {
        x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate) + 0.3 * (rand() * 2 - 1);
      }
      const whole = oneShot(new StreamingResampler(rate), x);

      const r = new StreamingResampler(rate);
      const chunk = new Float32Array(1024);
      const out = new Float32Array(r.maxOutputFor(1024));
      const joined = new Float32Array(whole.length + 16);
      let at = 0;
      let got = 0;
      let sizes = 0;
      while (at < x.length) {
        const pick = rand();
        // Mix of empty, worklet-sized and arbitrary chunks.
        let size = pick < 0.1 ? 0 : pick < 0.5 ? 128 : Math.floor(rand() * 1024);
        size = Math.min(size, x.length - at);
        for (let i = 0; i < size; i++) chunk[i] = x[at + i] as number;
        const n = r.process(chunk, size, out);
        expect(n).toBeLessThanOrEqual(r.maxOutputFor(size));
        for (let i = 0; i < n; i++) joined[got + i] = out[i] as number;
        got += n;
        at += size;
        sizes++;
      }
      expect(sizes).toBeGreaterThan(10);
      expect(got).toBe(whole.length);
      expect(Buffer.compare(Buffer.from(joined.buffer, 0, got * 4), Buffer.from(whole.buffer))).toBe(0);
    });
  }

  it('handles other input rates: passband flat, aliasing band suppressed', () => {
    for (const rate of [22050, 96000, 47999, 32000, 11025]) {
      expect(Math.abs(toneGainDb(rate, 1000)), `${rate} Hz, 1 kHz`).toBeLessThan(0.5);
      if (rate / 2 > 10000) expect(toneGainDb(rate, 10000), `${rate} Hz, 10 kHz`).toBeLessThan(-60);
    }
    // Upsampling 8 kHz: the tone survives and the count doubles.
    expect(Math.abs(toneGainDb(8000, 1000))).toBeLessThan(0.5);
    const up = new StreamingResampler(8000);
    expect(oneShot(up, new Float32Array(800)).length).toBe(1600);
  });

  it('passes 16 kHz input through exactly', () => {
    const r = new StreamingResampler(16000);
    const x = sine(16000, 1234, 0.1);
    const y = oneShot(r, x);
    expect(r.delaySamples).toBe(0);
    expect(Array.from(y)).toEqual(Array.from(x));
  });

  it('runs 10k worklet-sized calls into one preallocated buffer and stays correct', () => {
    const rate = 48000;
    const r = new StreamingResampler(rate);
    const input = new Float32Array(128);
    const out = new Float32Array(128);
    let inAt = 0;
    let outAt = 0;
    let worst = 0;
    for (let call = 0; call < 10_000; call++) {
      for (let i = 0; i < 128; i++) input[i] = Math.sin((2 * Math.PI * 1000 * (inAt + i)) / rate);
      const n = r.process(input, 128, out);
      // 128 / 3 = 42.67: every call yields 42 or 43.
      expect(n === 42 || n === 43).toBe(true);
      for (let i = 0; i < n; i++) {
        const t = outAt + i - r.delaySamples;
        if (t > r.delaySamples) {
          worst = Math.max(worst, Math.abs((out[i] as number) - Math.sin((2 * Math.PI * 1000 * t) / 16000)));
        }
      }
      inAt += 128;
      outAt += n;
    }
    expect(outAt).toBe(Math.floor((inAt - 1) / 3) + 1);
    expect(worst).toBeLessThan(1e-3);
  });

  it('rejects a too-small output buffer instead of writing past it', () => {
    const r = new StreamingResampler(48000);
    expect(() => r.process(new Float32Array(128), 128, new Float32Array(10))).toThrow(RangeError);
  });
});

describe('downmixInto', () => {
  it('averages stereo', () => {
    const out = new Float32Array(4);
    const n = downmixInto([Float32Array.of(1, 0.5, -1, 0), Float32Array.of(0, 0.5, 1, 0.25)], out);
    expect(n).toBe(4);
    expect(Array.from(out)).toEqual([0.5, 0.5, 0, 0.125]);
  });

  it('passes mono through', () => {
    const mono = Float32Array.of(0.1, -0.2, 0.3);
    const out = new Float32Array(8);
    expect(downmixInto([mono], out)).toBe(3);
    expect(Array.from(out.subarray(0, 3))).toEqual(Array.from(mono));
  });

  it('averages any channel count', () => {
    const out = new Float32Array(2);
    expect(downmixInto([Float32Array.of(3, 0), Float32Array.of(0, 0), Float32Array.of(0, 6)], out)).toBe(2);
    expect(Array.from(out)).toEqual([1, 2]);
  });

  it('returns 0 for empty input', () => {
    const out = new Float32Array(4);
    expect(downmixInto([], out)).toBe(0);
    expect(downmixInto([new Float32Array(0)], out)).toBe(0);
    expect(downmixInto([new Float32Array(0), new Float32Array(0)], out)).toBe(0);
  });

  it('never writes past out', () => {
    const out = new Float32Array(2);
    expect(downmixInto([new Float32Array(128).fill(1)], out)).toBe(2);
  });
});

describe('a filter designed elsewhere', () => {
  it('survives a structured clone (the trip to the worklet) and resamples bit-identically', () => {
    for (const rate of [44100, 48000, 22050, 37000.5]) {
      const input = sine(rate, 440, 0.25, 0.5);
      const shipped = structuredClone(designResampler(rate));
      expect(oneShot(new StreamingResampler(shipped), input)).toEqual(oneShot(new StreamingResampler(rate), input));
    }
  });
});
