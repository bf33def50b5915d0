import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AudioRing } from '../../src/audio/ring';

// Model-based properties of AudioRing (src/audio/ring.ts), single-threaded.
// The model is just two numbers: the floor (first index ever written, from
// startAt) and the write position. Every sample's value encodes its absolute
// index, so the model knows what any index should hold without storing audio,
// and stale audio from an earlier lap can never pass for the right sample.

/** Sample `i` holds this: exact in float32, never 0 (so it cannot pass for a zero-filled lost sample). */
const PRIME = 65_521;
const value = (i: number): number => (i % PRIME) + 1;
/** What `out` holds before a read: neither 0 nor any sample value. */
const SENTINEL = -7;
/** What a write's source holds outside the range it asks to write. */
const GARBAGE = -3;

type Command =
  | {
      kind: 'write';
      count: number;
      /** Samples of garbage before the data, passed as `offset`. */
      offset: number;
      /** Samples of garbage after the data; only with an explicit `length`. */
      tail: number;
      explicitLength: boolean;
    }
  | {
      kind: 'read';
      /** `start` relative to the write position at the time of the read. */
      delta: number;
      length: number;
      /** Extra room in `out` past `length`, which the read must leave alone. */
      slack: number;
      /** Omit the `length` argument (so it defaults to `out.length`, i.e. slack is 0). */
      defaultLength: boolean;
    };

function commandArb(capacity: number): fc.Arbitrary<Command> {
  const write = fc.record({
    kind: fc.constant('write' as const),
    count: fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 6, arbitrary: fc.integer({ min: 1, max: capacity }) },
      // Occasionally more than the ring holds: only the newest `capacity` survive.
      { weight: 2, arbitrary: fc.integer({ min: capacity + 1, max: 3 * capacity + 2 }) },
    ),
    offset: fc.integer({ min: 0, max: 3 }),
    tail: fc.integer({ min: 0, max: 3 }),
    explicitLength: fc.boolean(),
  });
  const read = fc.record({
    kind: fc.constant('read' as const),
    delta: fc.oneof(
      // Inside the retained window (or exactly at the write position).
      { weight: 4, arbitrary: fc.integer({ min: -capacity, max: 0 }) },
      // Behind it: partly or wholly overwritten.
      { weight: 3, arbitrary: fc.integer({ min: -3 * capacity - 3, max: -capacity - 1 }) },
      // Ahead of the write position: nothing to copy yet.
      { weight: 1, arbitrary: fc.integer({ min: 1, max: capacity + 2 }) },
    ),
    length: fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 4, arbitrary: fc.integer({ min: 1, max: capacity }) },
      { weight: 2, arbitrary: fc.integer({ min: capacity + 1, max: 3 * capacity + 3 }) },
    ),
    slack: fc.integer({ min: 0, max: 3 }),
    defaultLength: fc.boolean(),
  });
  return fc.oneof({ weight: 3, arbitrary: write }, { weight: 2, arbitrary: read });
}

/** Where a ring's timeline may begin: small, just below 2^31 and 2^32 (the uint32 halves), and large. */
const startPositionArb = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.integer({ min: 2 ** 31 - 400, max: 2 ** 31 + 10 }),
  fc.integer({ min: 2 ** 32 - 400, max: 2 ** 32 + 10 }),
  fc.integer({ min: 2 ** 32, max: 2 ** 45 }),
);

const CAPACITIES = [1, 2, 7, 16, 100] as const;

/**
 * Runs `commands` against a ring whose timeline begins at `floor` and checks
 * every observable against the model after each one. Reads go through a
 * second view of the same buffer, as a consumer on another thread would.
 */
function runModel(capacity: number, shared: boolean, floor: number | null, commands: readonly Command[]): void {
  const ring = AudioRing.create(capacity, shared);
  const reader = new AudioRing(ring.buffer);
  expect(reader.capacity).toBe(capacity);
  if (floor !== null) ring.startAt(floor);
  const base = floor ?? 0;
  let written = base;
  const oldest = (): number => Math.max(base, written - capacity);

  expect(reader.writePosition()).toBe(written);
  expect(reader.oldestAvailable()).toBe(base);

  for (const [step, c] of commands.entries()) {
    const label = `step ${step}: ${JSON.stringify(c)} at writePosition ${written}`;
    if (c.kind === 'write') {
      const tail = c.explicitLength ? c.tail : 0;
      const src = new Float32Array(c.offset + c.count + tail).fill(GARBAGE);
      for (let i = 0; i < c.count; i++) src[c.offset + i] = value(written + i);
      if (c.explicitLength) ring.write(src, c.offset, c.count);
      else ring.write(src, c.offset);
      written += c.count;
    } else {
      const start = written + c.delta;
      const length = c.length;
      const out = new Float32Array(length + (c.defaultLength ? 0 : c.slack)).fill(SENTINEL);
      const result = c.defaultLength ? reader.read(start, out) : reader.read(start, out, length);

      const end = Math.min(start + length, written);
      const copied = Math.max(0, end - start);
      const lost = Math.min(copied, Math.max(0, oldest() - start));
      const expected = Array.from({ length: out.length }, (_, i) =>
        i < lost ? 0 : i < copied ? value(start + i) : SENTINEL,
      );
      expect(result, label).toEqual({ copied, lost });
      expect(Array.from(out), label).toEqual(expected);
    }
    // Both views agree with the model after every command.
    expect(ring.writePosition(), label).toBe(written);
    expect(reader.writePosition(), label).toBe(written);
    expect(reader.oldestAvailable(), label).toBe(oldest());
  }
}

describe('AudioRing: model-based properties', () => {
  for (const capacity of CAPACITIES) {
    it(`matches the model over arbitrary writes and reads (capacity ${capacity})`, () => {
      fc.assert(
        fc.property(fc.boolean(), fc.array(commandArb(capacity), { maxLength: 60 }), (shared, commands) => {
          runModel(capacity, shared, null, commands);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('matches the model on a timeline that begins at startAt (including across 2^31 and 2^32)', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...CAPACITIES)
          .chain((capacity) =>
            fc.tuple(fc.constant(capacity), startPositionArb, fc.array(commandArb(capacity), { maxLength: 60 })),
          ),
        ([capacity, position, commands]) => {
          runModel(capacity, true, position, commands);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('refuses startAt once the ring holds audio, and allows it only on an empty timeline', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(...CAPACITIES),
        (position, count, capacity) => {
          const fresh = AudioRing.create(capacity, false);
          fresh.write(new Float32Array(count));
          expect(() => fresh.startAt(position)).toThrow(/already holds audio/);
          expect(fresh.writePosition()).toBe(count);

          const moved = AudioRing.create(capacity, false);
          moved.startAt(position);
          expect(() => moved.startAt(position)).toThrow(/already holds audio/);
          expect(moved.writePosition()).toBe(position);
          expect(moved.oldestAvailable()).toBe(position);
          // Nothing before the floor is audio: that range is all lost, not stale data.
          const out = new Float32Array(4).fill(SENTINEL);
          expect(moved.read(position - 3, out)).toEqual({ copied: 3, lost: 3 });
          expect(Array.from(out)).toEqual([0, 0, 0, SENTINEL]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
