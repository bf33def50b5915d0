/**
 * Single-producer, multi-consumer ring of 16 kHz mono audio addressed by
 * absolute sample index.
 *
 * The producer (the AudioWorklet, or a worker fed by MessagePort chunks) only
 * ever appends. Consumers never move a shared read index: each one keeps its
 * own absolute position and asks for a range. Because the write position only
 * grows, a consumer can always tell whether the range it wants is still in the
 * buffer, and anything that was overwritten is reported as lost rather than
 * handed back as the wrong audio.
 *
 * Invariants (documented where they live, as ringbuf.js does):
 *  - `writePos` is the count of samples ever written; sample `i` lives at
 *    `data[i % capacity]` while `writePos - capacity <= i < writePos`.
 *  - `writePos` is published after the samples it covers are in `data`.
 *  - `writePos` is kept as two uint32 halves behind a sequence counter (a
 *    seqlock), so it stays exact beyond 2^32 samples (74 hours) without
 *    BigInt, which would allocate on the audio thread.
 *  - The sequence counter is odd for the whole of a write, data copy
 *    included, not just while the halves change. A write overwrites the
 *    oldest samples *before* it publishes, so a reader copying those samples
 *    cannot see the overwrite in `writePos`; it sees it because
 *    `writePosition()` waits out an odd counter, so the position it returns
 *    after a copy covers every write that overlapped that copy.
 */

/** Int32 slots at the front of the buffer. */
enum Slot {
  Seq = 0,
  WriteLo = 1,
  WriteHi = 2,
  /** Unused (was a producer-dropped count nothing ever wrote); kept so the layout stays put. */
  Reserved = 3,
  /** First index ever written (see startAt); nothing before it is audio. */
  FloorLo = 4,
  FloorHi = 5,
}
const HEADER_INTS = 6;
const HEADER_BYTES = HEADER_INTS * 4;
const TWO_POW_32 = 4294967296;

export interface ReadResult {
  /** Samples copied into `out` that are valid audio, starting at `out[0]`. */
  copied: number;
  /**
   * Samples at the front of the requested range that had already been
   * overwritten (or were overwritten while copying). They are zero-filled in
   * `out` and included in `copied`'s offset: valid audio starts at
   * `out[lost]` and runs for `copied - lost` samples.
   */
  lost: number;
}

/** 16 kHz × 32.768 s: a power of two comfortably above the 30 s the design asks for. */
export const DEFAULT_RING_CAPACITY = 1 << 19;

export class AudioRing {
  readonly buffer: ArrayBufferLike;
  readonly capacity: number;
  private readonly header: Int32Array;
  private readonly data: Float32Array;

  /** Allocates a ring. `shared` picks SharedArrayBuffer (cross-thread) or a plain ArrayBuffer. */
  static create(capacity = DEFAULT_RING_CAPACITY, shared = true): AudioRing {
    const bytes = HEADER_BYTES + capacity * 4;
    const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    return new AudioRing(buffer);
  }

  /** Attaches to a buffer made by `create` (possibly on another thread). */
  constructor(buffer: ArrayBufferLike) {
    this.buffer = buffer;
    this.header = new Int32Array(buffer, 0, HEADER_INTS);
    this.capacity = (buffer.byteLength - HEADER_BYTES) / 4;
    if (!Number.isInteger(this.capacity) || this.capacity <= 0) {
      throw new RangeError(`AudioRing: buffer of ${buffer.byteLength} bytes is not a ring`);
    }
    this.data = new Float32Array(buffer, HEADER_BYTES, this.capacity);
  }

  /** Absolute count of samples written so far; a consistent snapshot from any thread. */
  writePosition(): number {
    const h = this.header;
    for (;;) {
      const seq = Atomics.load(h, Slot.Seq);
      if (seq & 1) continue; // producer is mid-publish; it holds no lock, so this spins briefly
      const lo = Atomics.load(h, Slot.WriteLo) >>> 0;
      const hi = Atomics.load(h, Slot.WriteHi) >>> 0;
      if (Atomics.load(h, Slot.Seq) === seq) return hi * TWO_POW_32 + lo;
    }
  }

  /**
   * Producer only, on a ring nothing was written to yet: make its timeline
   * begin at `position`, so a consumer that joins mid-capture (a replaced
   * worker on the MessagePort path) keeps the capture's absolute indices.
   */
  startAt(position: number): void {
    if (this.writePosition() !== 0) throw new Error('AudioRing.startAt: the ring already holds audio');
    const h = this.header;
    Atomics.add(h, Slot.Seq, 1);
    Atomics.store(h, Slot.WriteLo, (position % TWO_POW_32) | 0);
    Atomics.store(h, Slot.WriteHi, Math.floor(position / TWO_POW_32) | 0);
    Atomics.store(h, Slot.FloorLo, (position % TWO_POW_32) | 0);
    Atomics.store(h, Slot.FloorHi, Math.floor(position / TWO_POW_32) | 0);
    Atomics.add(h, Slot.Seq, 1);
  }

  /**
   * Producer only: append `length` samples of `src` from `offset`. Never
   * blocks and never allocates; when consumers are behind, the oldest audio is
   * overwritten and they find out through `read`'s `lost`.
   */
  write(src: Float32Array, offset = 0, length = src.length - offset): void {
    if (length <= 0) return;
    const cap = this.capacity;
    const start = this.writePosition();
    // Only the newest `cap` samples can survive a write longer than the ring.
    let from = offset;
    let count = length;
    let pos = start;
    if (count > cap) {
      from += count - cap;
      pos += count - cap;
      count = cap;
    }
    const h = this.header;
    // Odd from before the first overwrite until the new position is out: see
    // the invariants above and read(). Readers wait (briefly) while it is odd.
    Atomics.add(h, Slot.Seq, 1);
    // A plain loop rather than set(subarray()): subarray allocates a view, and
    // this runs inside AudioWorkletProcessor.process().
    const data = this.data;
    let at = pos % cap;
    for (let i = 0; i < count; i++) {
      data[at] = src[from + i] as number;
      at = at + 1 === cap ? 0 : at + 1;
    }
    const writePos = start + length;
    Atomics.store(h, Slot.WriteLo, (writePos % TWO_POW_32) | 0);
    Atomics.store(h, Slot.WriteHi, Math.floor(writePos / TWO_POW_32) | 0);
    Atomics.add(h, Slot.Seq, 1); // even: consistent again
  }

  /**
   * Copies samples `[start, start + out.length)` (or up to `length`) into
   * `out`, as far as they have been written. Returns how many were copied and
   * how many of those at the front were lost to overwriting (zero-filled).
   */
  read(start: number, out: Float32Array, length = out.length): ReadResult {
    const end = Math.min(start + length, this.writePosition());
    if (end <= start) return { copied: 0, lost: 0 };
    const copied = end - start;
    let lost = Math.max(0, Math.min(copied, this.oldestAvailable() - start));
    this.copyOut(start + lost, end, out, lost);
    // The producer may have lapped us while we copied: anything now older than
    // the ring's tail could be a mix of old and new audio. A write still in
    // progress counts too: writePosition() waits for it to publish.
    const tailAfter = this.oldestAvailable();
    if (tailAfter > start + lost) lost = Math.min(copied, tailAfter - start);
    if (lost > 0) out.fill(0, 0, lost);
    return { copied, lost };
  }

  /** Smallest absolute index still held in the ring. */
  oldestAvailable(): number {
    const h = this.header;
    const floor = (Atomics.load(h, Slot.FloorHi) >>> 0) * TWO_POW_32 + (Atomics.load(h, Slot.FloorLo) >>> 0);
    return Math.max(floor, this.writePosition() - this.capacity);
  }

  private copyOut(from: number, to: number, out: Float32Array, outOffset: number): void {
    const cap = this.capacity;
    let remaining = to - from;
    let src = from % cap;
    let dst = outOffset;
    while (remaining > 0) {
      const n = Math.min(remaining, cap - src);
      out.set(this.data.subarray(src, src + n), dst);
      remaining -= n;
      dst += n;
      src = 0;
    }
  }
}
