import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { transformWithOxc } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioRing, type ReadResult } from '../../src/audio/ring';

/** Sample `i` holds `i mod PRIME`: exact in float32, and distinct across the laps these tests run. */
const PRIME = 1_000_003;
const value = (i: number): number => i % PRIME;

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

function writeSeq(ring: AudioRing, from: number, count: number, scratch = new Float32Array(count)): void {
  for (let i = 0; i < count; i++) scratch[i] = value(from + i);
  ring.write(scratch, 0, count);
}

/**
 * Checks a read of absolute `start`: the lost front is zero, everything after
 * it is the right sample. Returns the count of bad samples (cheaper than one
 * expect() per sample in the hot loops).
 */
function badSamples(start: number, out: Float32Array, r: ReadResult): number {
  let bad = r.lost > r.copied || r.lost < 0 ? 1 : 0;
  for (let i = 0; i < r.lost; i++) if (out[i] !== 0) bad++;
  for (let i = r.lost; i < r.copied; i++) if (out[i] !== value(start + i)) bad++;
  return bad;
}

describe('AudioRing (single thread)', () => {
  for (const shared of [true, false]) {
    it(`round-trips samples (${shared ? 'SharedArrayBuffer' : 'ArrayBuffer'})`, () => {
      const ring = AudioRing.create(1024, shared);
      expect(ring.capacity).toBe(1024);
      expect(ring.writePosition()).toBe(0);
      expect(ring.read(0, new Float32Array(8))).toEqual({ copied: 0, lost: 0 });
      writeSeq(ring, 0, 100);
      expect(ring.writePosition()).toBe(100);
      const out = new Float32Array(200).fill(-1);
      const r = ring.read(0, out, 100);
      expect(r).toEqual({ copied: 100, lost: 0 });
      expect(badSamples(0, out, r)).toBe(0);
      // A range past the write position is cut short, then empty.
      expect(ring.read(50, out)).toEqual({ copied: 50, lost: 0 });
      expect(ring.read(100, out)).toEqual({ copied: 0, lost: 0 });
      // Attaching to the same buffer sees the same ring.
      const other = new AudioRing(ring.buffer);
      expect(other.writePosition()).toBe(100);
      expect(other.capacity).toBe(1024);
    });
  }

  it('rejects a buffer that is not a ring', () => {
    expect(() => new AudioRing(new ArrayBuffer(16))).toThrow(RangeError);
    expect(() => new AudioRing(new ArrayBuffer(18))).toThrow(RangeError);
  });

  for (const cap of [1024, 1000]) {
    it(`wraps around over many laps with the right sequence (capacity ${cap})`, () => {
      const ring = AudioRing.create(cap);
      const rand = prng(cap);
      const scratch = new Float32Array(cap);
      const out = new Float32Array(cap);
      let written = 0;
      let readPos = 0;
      let bad = 0;
      while (written < cap * 60) {
        const n = 1 + Math.floor(rand() * (cap * 0.7));
        writeSeq(ring, written, n, scratch);
        written += n;
        expect(ring.writePosition()).toBe(written);
        // A reader that keeps up (reads at least every lap) loses nothing.
        while (readPos < written) {
          const r = ring.read(readPos, out, 1 + Math.floor(rand() * cap));
          expect(r.lost).toBe(0);
          bad += badSamples(readPos, out, r);
          readPos += r.copied;
        }
        // Random access anywhere in the retained window is also exact.
        const oldest = ring.oldestAvailable();
        expect(oldest).toBe(Math.max(0, written - cap));
        const start = oldest + Math.floor(rand() * (written - oldest));
        const r = ring.read(start, out);
        expect(r.lost).toBe(0);
        expect(r.copied).toBe(Math.min(cap, written - start));
        bad += badSamples(start, out, r);
      }
      expect(bad).toBe(0);
    });
  }

  it('reports a reader that fell behind as lost, zero-filled, never wrong data', () => {
    const ring = AudioRing.create(1024);
    writeSeq(ring, 0, 3000);
    const out = new Float32Array(2000).fill(-1);
    const r = ring.read(0, out);
    expect(r).toEqual({ copied: 2000, lost: 3000 - 1024 });
    expect(badSamples(0, out, r)).toBe(0);
    // Entirely overwritten range: all lost.
    out.fill(-1);
    expect(ring.read(500, out, 100)).toEqual({ copied: 100, lost: 100 });
    expect(out.subarray(0, 100).every((x) => x === 0)).toBe(true);
    expect(out[100]).toBe(-1); // nothing past the requested length is touched
  });

  it('keeps only the newest samples of a write larger than the ring', () => {
    const ring = AudioRing.create(1024);
    writeSeq(ring, 0, 10);
    // 5000 samples from offset 7 of a larger source.
    const src = new Float32Array(5100);
    for (let i = 0; i < 5000; i++) src[7 + i] = value(10 + i);
    ring.write(src, 7, 5000);
    expect(ring.writePosition()).toBe(5010);
    expect(ring.oldestAvailable()).toBe(5010 - 1024);
    const out = new Float32Array(1024);
    const r = ring.read(5010 - 1024, out);
    expect(r).toEqual({ copied: 1024, lost: 0 });
    expect(badSamples(5010 - 1024, out, r)).toBe(0);
  });

  it('ignores empty writes', () => {
    const ring = AudioRing.create(64);
    ring.write(new Float32Array(4), 0, 0);
    ring.write(new Float32Array(0));
    expect(ring.writePosition()).toBe(0);
  });

  it('keeps the write position exact past 2^32 samples', () => {
    // write() copies only the last `capacity` samples of a long write, so a
    // small ring crosses 2^32 in a few ms of copying.
    const cap = 1 << 12;
    const ring = AudioRing.create(cap);
    const bulk = new Float32Array(1 << 22);
    const TWO32 = 2 ** 32;
    let pos = 0;
    while (pos + bulk.length <= TWO32 - 50_000) {
      ring.write(bulk);
      pos += bulk.length;
    }
    expect(ring.writePosition()).toBe(pos);
    // Now real data across the boundary, in odd-sized chunks.
    const scratch = new Float32Array(1009);
    const out = new Float32Array(cap);
    const seqStart = pos; // samples before this are the bulk zeros
    let bad = 0;
    while (pos < TWO32 + 50_000) {
      writeSeq(ring, pos, scratch.length, scratch);
      pos += scratch.length;
      expect(ring.writePosition()).toBe(pos);
      const start = Math.max(seqStart, pos - cap);
      const r = ring.read(start, out);
      expect(r).toEqual({ copied: pos - start, lost: 0 });
      bad += badSamples(start, out, r);
    }
    expect(bad).toBe(0);
    expect(ring.oldestAvailable()).toBe(pos - cap);
    // A stale reader below 2^32 is told it lost everything.
    expect(ring.read(TWO32 - 10, out, 10)).toEqual({ copied: 10, lost: 10 });
    // A second view of the buffer decodes the same 64-bit position.
    expect(new AudioRing(ring.buffer).writePosition()).toBe(pos);
  });
});

describe('AudioRing across threads', () => {
  let dir = '';
  let ringUrl = '';

  beforeAll(async () => {
    // The worker runs plain JS, so hand it a type-stripped copy of ring.ts.
    const source = readFileSync(fileURLToPath(new URL('../../src/audio/ring.ts', import.meta.url)), 'utf8');
    const { code } = await transformWithOxc(source, 'ring.ts', { lang: 'ts' });
    dir = mkdtempSync(join(tmpdir(), 'utter-ring-'));
    const file = join(dir, 'ring.mjs');
    writeFileSync(file, code);
    ringUrl = pathToFileURL(file).href;
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  interface Producer {
    ring: AudioRing;
    ctrl: Int32Array;
    worker: Worker;
    exited: Promise<unknown>;
    errors: unknown[];
  }

  async function startProducer(opts: {
    capacity: number;
    total: number;
    rate: number;
    maxChunk: number;
    overrunChance: number;
    seed: number;
  }): Promise<Producer> {
    const ring = AudioRing.create(opts.capacity);
    const ctrl = new Int32Array(new SharedArrayBuffer(8)); // [GO, DONE]
    const worker = new Worker(new URL('./ring-worker.mjs', import.meta.url), {
      workerData: { ...opts, ringUrl, buffer: ring.buffer, ctrl: ctrl.buffer, prime: PRIME },
    });
    const errors: unknown[] = [];
    worker.on('error', (e) => errors.push(e));
    const exited = once(worker, 'exit');
    await once(worker, 'online');
    Atomics.store(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
    return { ring, ctrl, worker, exited, errors };
  }

  async function finish(p: Producer): Promise<void> {
    await p.exited;
    expect(p.errors).toEqual([]);
  }

  const nap = new Int32Array(new SharedArrayBuffer(4));
  const sleep = (ms: number): void => void Atomics.wait(nap, 0, 0, ms);

  it('a paced reader gets every sample it keeps up with, and is told what it lost', async () => {
    const capacity = 4096;
    const total = capacity * 200;
    // ~0.8 s of producing; the reader sleeps 8 ms every 100 ms (≈ 8000
    // samples, about twice the ring) so it must be overrun.
    const p = await startProducer({ capacity, total, rate: 1_000_000, maxChunk: 512, overrunChance: 0, seed: 7 });
    const { ring, ctrl } = p;
    const rand = prng(99);
    const out = new Float32Array(capacity * 2);
    let pos = 0;
    let valid = 0;
    let lost = 0;
    let bad = 0;
    let sleeps = 0;
    let overrunSleeps = 0;
    let probes = 0;
    let keptUpReads = 0;
    const deadline = performance.now() + 8000;
    let nextSleep = performance.now() + 50;
    for (;;) {
      const done = Atomics.load(ctrl, 1) === 1;
      if (done && pos >= ring.writePosition()) break;
      const now = performance.now();
      if (now > deadline) throw new Error(`consumer timed out at ${pos}`);
      const pick = rand();
      if (now > nextSleep && !done) {
        // Every ~100 ms, fall behind on purpose.
        nextSleep = now + 100;
        sleep(8);
        sleeps++;
        // Anything older than this is certainly gone by the next read.
        const gone = ring.writePosition() - capacity - pos;
        const r = ring.read(pos, out);
        if (gone > 0) {
          overrunSleeps++;
          expect(r.lost).toBeGreaterThanOrEqual(Math.min(gone, out.length));
        }
        bad += badSamples(pos, out, r);
        valid += r.copied - r.lost;
        lost += r.lost;
        pos += r.copied;
      } else if (pick < 0.2) {
        // Probe the overwrite edge without moving our position.
        const start = Math.max(0, ring.oldestAvailable() + Math.floor(rand() * 64) - 16);
        bad += badSamples(start, out, ring.read(start, out, 256));
        probes++;
      } else {
        const r = ring.read(pos, out, 1 + Math.floor(rand() * 2048));
        // The position read after a copy covers every write that overlapped it:
        // a reader still inside that window kept up, and must have lost nothing.
        if (pos >= ring.writePosition() - capacity) {
          expect(r.lost).toBe(0);
          keptUpReads++;
        }
        bad += badSamples(pos, out, r);
        valid += r.copied - r.lost;
        lost += r.lost;
        pos += r.copied;
      }
    }
    await finish(p);
    expect(bad).toBe(0);
    expect(pos).toBe(total);
    expect(valid + lost).toBe(total);
    expect(overrunSleeps).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
    // Reads that kept up were exercised (how many depends on how the OS shares the cores).
    expect(keptUpReads).toBeGreaterThan(100);
    expect(valid).toBeGreaterThan(0);
    expect(sleeps).toBeGreaterThan(0);
    expect(probes).toBeGreaterThan(100);
  });

  it('reads racing a full-speed producer at the overwrite edge never return wrong samples', async () => {
    const capacity = 4096;
    /** One producer run with the reader camped at the overwrite edge. */
    const race = async (seed: number) => {
      const total = 20_000_000;
      const p = await startProducer({ capacity, total, rate: 0, maxChunk: 128, overrunChance: 0.001, seed });
      const { ring, ctrl } = p;
      const rand = prng(seed + 2);
      const out = new Float32Array(capacity);
      const tally = { bad: 0, reads: 0, partlyLost: 0, intact: 0 };
      const deadline = performance.now() + 8000;
      while (Atomics.load(ctrl, 1) === 0) {
        if (performance.now() > deadline) throw new Error('producer timed out');
        // Start right at (or just past) the oldest sample: the producer is
        // overwriting exactly these while we copy them.
        const start = ring.oldestAvailable() + Math.floor(rand() * 32);
        const r = ring.read(start, out, 64 + Math.floor(rand() * 1024));
        tally.bad += badSamples(start, out, r);
        tally.reads++;
        if (r.lost > 0 && r.lost < r.copied) tally.partlyLost++;
        if (r.lost === 0 && r.copied > 0) tally.intact++;
      }
      await finish(p);
      expect(ring.writePosition()).toBe(total);
      return tally;
    };
    // Whether the two threads actually overlap is up to the OS scheduler; on a
    // loaded machine a run may never race, so run again (each run must still
    // be free of wrong samples) until both outcomes were seen.
    const totals = { bad: 0, reads: 0, partlyLost: 0, intact: 0 };
    for (let attempt = 0; attempt < 12 && (totals.partlyLost === 0 || totals.intact === 0); attempt++) {
      const t = await race(3 + attempt * 10);
      totals.bad += t.bad;
      totals.reads += t.reads;
      totals.partlyLost += t.partlyLost;
      totals.intact += t.intact;
    }
    expect(totals.bad).toBe(0);
    // The race really was exercised both ways.
    expect(totals.reads).toBeGreaterThan(1000);
    expect(totals.partlyLost).toBeGreaterThan(0);
    expect(totals.intact).toBeGreaterThan(0);
  }, 120_000);
});

describe('AudioRing.startAt', () => {
  it('starts a fresh ring at an absolute index, with nothing before it readable', () => {
    const ring = AudioRing.create(1024, false);
    ring.startAt(5_000_000);
    expect(ring.writePosition()).toBe(5_000_000);
    expect(ring.oldestAvailable()).toBe(5_000_000);
    ring.write(Float32Array.from({ length: 100 }, (_, i) => i + 1));
    const out = new Float32Array(200);
    // Asking from before the start: the front is reported lost, never invented.
    const result = ring.read(4_999_900, out);
    expect(result).toEqual({ copied: 200, lost: 100 });
    expect(out[100]).toBe(1);
    expect(out[199]).toBe(100);
    expect(() => ring.startAt(0)).toThrow();
  });
});
