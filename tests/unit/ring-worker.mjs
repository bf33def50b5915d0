// Producer thread for tests/unit/ring.test.ts. Plain .mjs so Node's
// worker_threads can run it without a TS loader; the test transpiles
// src/audio/ring.ts to a temp .mjs and passes its URL in workerData.
//
// Writes samples 0..total-1 (value = index mod PRIME) into the shared ring in
// seeded random chunk sizes, optionally throttled to `rate` samples/s, then
// sets ctrl[DONE]. A fraction `overrunChance` of writes are longer than the
// whole ring. It waits for ctrl[GO] first so both threads start together.
import { workerData } from 'node:worker_threads';

const { ringUrl, buffer, ctrl: ctrlBuffer, total, rate, seed, maxChunk, prime, overrunChance } = workerData;
const ctrl = new Int32Array(ctrlBuffer);
const GO = 0;
const DONE = 1;

let a = seed >>> 0;
function rand() {
  a = (a + 0x6d2b79f5) >>> 0;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const nap = new Int32Array(new SharedArrayBuffer(4));

// DONE is set however this ends, so the consumer (a synchronous loop on the
// main thread, which cannot see 'error' events meanwhile) never waits forever.
try {
  const { AudioRing } = await import(ringUrl);
  const ring = new AudioRing(buffer);
  // Big enough for the occasional write longer than the whole ring.
  const src = new Float32Array(ring.capacity + maxChunk);
  Atomics.wait(ctrl, GO, 0);
  const t0 = performance.now();
  let pos = 0;
  while (pos < total) {
    const r = rand();
    // A few writes overrun the ring by themselves; the rest are 1..maxChunk.
    let n = r < overrunChance ? ring.capacity + 1 + Math.floor(rand() * maxChunk) : 1 + Math.floor(rand() * maxChunk);
    n = Math.min(n, total - pos);
    for (let i = 0; i < n; i++) src[i] = (pos + i) % prime;
    ring.write(src, 0, n);
    pos += n;
    if (rate > 0) {
      // Stay near the target rate: sleep 1 ms whenever we are ahead of it.
      while (pos > ((performance.now() - t0) / 1000) * rate) Atomics.wait(nap, 0, 0, 1);
    }
  }
} finally {
  Atomics.store(ctrl, DONE, 1);
}
