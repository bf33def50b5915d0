import { describe, expect, it } from 'vitest';
import { MonoChunker } from '../../src/engine/mono-chunker';

/** A stereo tone at `rate`: left and right differ so the downmix is visible. */
function stereoTone(rate: number, seconds: number, hz: number): [Float32Array, Float32Array] {
  const n = Math.round(rate * seconds);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    left[i] = 0.6 * Math.sin((2 * Math.PI * hz * i) / rate);
    right[i] = 0.2 * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return [left, right];
}

/** Feeds the channels in pieces of the given sizes (cycled), then flushes. */
function run(rate: number, channels: Float32Array[], chunk: number, pieces: number[]): Float32Array[] {
  const chunker = new MonoChunker(rate, chunk);
  const out: Float32Array[] = [];
  const total = channels[0]?.length ?? 0;
  for (let at = 0, k = 0; at < total; k++) {
    const size = Math.min(pieces[k % pieces.length] ?? 1, total - at);
    out.push(
      ...chunker.push(
        channels.map((c) => c.subarray(at, at + size)),
        size,
      ),
    );
    at += size;
  }
  out.push(...chunker.flush());
  return out;
}

function concat(chunks: Float32Array[]): Float32Array {
  const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

describe('MonoChunker', () => {
  it.each([48000, 44100, 22050, 16000, 8000])('turns %i Hz stereo into exact 16 kHz mono chunks', (rate) => {
    const seconds = 2.5;
    const [left, right] = stereoTone(rate, seconds, 440);
    const chunks = run(rate, [left, right], 4096, [1000, 37, 4800]);
    // Every chunk but the last is full; the total is the input's duration at 16 kHz.
    for (const c of chunks.slice(0, -1)) expect(c.length).toBe(4096);
    const mono = concat(chunks);
    expect(mono.length).toBe(Math.round((left.length * 16000) / rate));
    // Downmix is the average (0.4 amplitude) and the filter's delay is removed
    // to the nearest output sample: away from the edges, output n is the tone
    // at time n / 16000, give or take half a sample (the tone's slope × 1/32000 s).
    const halfSampleError = 0.4 * 2 * Math.PI * 440 * (0.5 / 16000);
    let worst = 0;
    for (let n = 400; n < mono.length - 400; n++) {
      const expected = 0.4 * Math.sin((2 * Math.PI * 440 * n) / 16000);
      worst = Math.max(worst, Math.abs((mono[n] as number) - expected));
    }
    expect(worst).toBeLessThan(halfSampleError + 0.01);
  });

  it('gives the same samples whatever the piece sizes', () => {
    const [left, right] = stereoTone(44100, 1.3, 300);
    const a = concat(run(44100, [left, right], 3000, [44100 * 2]));
    const b = concat(run(44100, [left, right], 3000, [1, 2, 511, 4097]));
    expect(b).toEqual(a);
  });

  it('emits nothing for no input, and refuses input after flush', () => {
    const chunker = new MonoChunker(48000, 512);
    expect(chunker.flush()).toEqual([]);
    expect(() => chunker.push([new Float32Array(10)], 10)).toThrow(/after flush/);
  });

  it('completes a chunk with the filter tail when the input ends just short of it', () => {
    // 48 kHz → 16 kHz: 3 inputs per output. 1533 inputs = 511 outputs, chunk 512.
    const chunks = run(48000, [new Float32Array(1533).fill(0.5)], 510, [1533]);
    expect(chunks.map((c) => c.length)).toEqual([510, 1]);
  });
});
