import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENTER_OPTIONS, Segmenter, type SegmenterOptions } from '../../src/engine/segmenter';
import type { DetectedSegmentEvent as SegmentEvent } from '../../src/shared/types';

// Properties of Segmenter (src/engine/segmenter.ts) over arbitrary probability
// sequences, with the default options and with random valid ones. The
// example-based tests (segmenter.test.ts) pin exact positions; these check the
// promises every event stream must keep whatever the input.

type EndEvent = Extract<SegmentEvent, { type: 'end' }>;
type Recorded = SegmentEvent & {
  /** Index of the frame whose push() returned the event; `frames.length` for flush(). */
  frame: number;
  /** Position in the list of events that one push() (or flush()) returned. */
  indexInCall: number;
};

/** A stretch of frames whose probabilities come from one band relative to the thresholds. */
type Band = 'silence' | 'between' | 'speech' | 'atStart' | 'atEnd' | 'any';
type RmsBand = 'zero' | 'quiet' | 'loud' | 'any';
interface Run {
  band: Band;
  rmsBand: RmsBand;
  length: number;
  /** Cycled through the run's frames, each mapped into the band. */
  values: number[];
}

/** Milliseconds to samples, rounded as Segmenter does. */
const ms = (o: SegmenterOptions, value: number): number => Math.round((value * o.sampleRate) / 1000);

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const runArb = (maxLength: number): fc.Arbitrary<Run> =>
  fc.record({
    band: fc.constantFrom<Band>('silence', 'between', 'speech', 'speech', 'atStart', 'atEnd', 'any'),
    rmsBand: fc.constantFrom<RmsBand>('zero', 'quiet', 'loud', 'any'),
    length: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: maxLength })),
    values: fc.array(unit, { minLength: 1, maxLength: 4 }),
  });

function probability(band: Band, u: number, o: SegmenterOptions): number {
  switch (band) {
    case 'silence': {
      const p = u * o.endThreshold; // < endThreshold, unless rounding says otherwise
      return p < o.endThreshold ? p : 0;
    }
    case 'between': {
      const p = o.endThreshold + u * (o.startThreshold - o.endThreshold); // [end, start)
      return p < o.startThreshold ? p : o.endThreshold;
    }
    case 'speech':
      return o.startThreshold + u * (1 - o.startThreshold); // [start, 1)
    case 'atStart':
      return o.startThreshold;
    case 'atEnd':
      return o.endThreshold;
    case 'any':
      return u;
  }
}

function level(band: RmsBand, u: number): number {
  switch (band) {
    case 'zero':
      return 0;
    case 'quiet':
      return 1e-5 * u;
    case 'loud':
      return 0.05 + u;
    case 'any':
      return u;
  }
}

interface Frames {
  probabilities: number[];
  rms: number[];
}

function expand(runs: readonly Run[], o: SegmenterOptions): Frames {
  const probabilities: number[] = [];
  const rms: number[] = [];
  for (const run of runs) {
    for (let i = 0; i < run.length; i++) {
      const u = run.values[i % run.values.length] ?? 0;
      probabilities.push(probability(run.band, u, o));
      rms.push(level(run.rmsBand, u));
    }
  }
  return { probabilities, rms };
}

/**
 * Random options inside the envelope the split logic is designed for (the
 * split keeps 1 s on either side of its cut):
 *  - endThreshold < startThreshold (equal to 0 allowed: then nothing is silence);
 *  - maxSegmentMs ≥ 3000, and a split search window longer than the 1 s margin
 *    by at least a frame, so there is always a frame to cut at;
 *  - hangoverMs under the 1 s margin (less half a frame), so the cut always
 *    falls before the last speech frame;
 *  - the longest possible pending phase (pre-roll plus minSpeechMs of speech
 *    frames, each separated by just under a hangover of silence) shorter than
 *    maxSegmentMs, so a segment is never already over the limit when it is
 *    confirmed.
 * Outside it the invariants do not all hold: see the notes at the end of this file.
 */
const optionsArb: fc.Arbitrary<SegmenterOptions> = fc
  .record({
    sampleRate: fc.constantFrom(8000, 16000),
    frameSamples: fc.constantFrom(256, 512, 1024),
    startThreshold: fc.double({ min: 0.01, max: 1, noNaN: true }),
    endFraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    minSpeechMs: fc.integer({ min: 0, max: 400 }),
    hangoverFraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    preRollMs: fc.integer({ min: 0, max: 600 }),
    postPadMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 600 })),
    maxSegmentMs: fc.integer({ min: 3000, max: 8000 }),
    splitSearchExtraMs: fc.integer({ min: 0, max: 5000 }),
  })
  .map(({ endFraction, hangoverFraction, splitSearchExtraMs, ...rest }) => {
    const frameMs = (rest.frameSamples * 1000) / rest.sampleRate;
    const o: SegmenterOptions = {
      ...rest,
      endThreshold: rest.startThreshold * endFraction,
      hangoverMs: Math.floor(hangoverFraction * (1000 - frameMs / 2)),
      splitSearchMs: Math.ceil(1000 + frameMs) + splitSearchExtraMs,
    };
    // Raise the limit above the longest pending phase rather than reject the draw.
    return { ...o, maxSegmentMs: Math.max(o.maxSegmentMs, Math.ceil(longestPendingMs(o)) + 1) };
  });

/** Upper bound on a segment's length at the moment it is confirmed ('start'). */
function longestPendingMs(o: SegmenterOptions): number {
  const speechFrames = Math.max(1, Math.ceil(ms(o, o.minSpeechMs) / o.frameSamples));
  const hangoverFrames = Math.max(1, Math.ceil(ms(o, o.hangoverMs) / o.frameSamples));
  const frames = speechFrames + (speechFrames - 1) * (hangoverFrames - 1);
  return ((ms(o, o.preRollMs) + frames * o.frameSamples) * 1000) / o.sampleRate;
}

/** Absolute index of the first frame: zero, or far from it and not frame-aligned. */
const offsetArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50_000_000 }));
const firstIdArb = fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 1_000_000 }));

interface Driven {
  events: Recorded[];
  /** Open segment id after each push, from the segmenter's getters. */
  speakingAfter: { speaking: boolean; currentId: number }[];
}

function drive(seg: Segmenter, frames: Frames, offset: number, frameSamples: number): Driven {
  const events: Recorded[] = [];
  const speakingAfter: Driven['speakingAfter'] = [];
  frames.probabilities.forEach((p, i) => {
    seg.push(offset + i * frameSamples, p, frames.rms[i] ?? 0).forEach((e, indexInCall) => {
      events.push({ ...e, frame: i, indexInCall });
    });
    speakingAfter.push({ speaking: seg.speaking, currentId: seg.currentId });
  });
  seg.flush().forEach((e, indexInCall) => {
    events.push({ ...e, frame: frames.probabilities.length, indexInCall });
  });
  return { events, speakingAfter };
}

/** Checks every invariant of one driven sequence; returns the segments it produced. */
function checkInvariants(
  o: SegmenterOptions,
  offset: number,
  firstId: number,
  frames: Frames,
  driven: Driven,
  seg: Segmenter,
): EndEvent[] {
  const { events, speakingAfter } = driven;
  const frameEnd = (frame: number): number =>
    offset + Math.min(frame + 1, frames.probabilities.length) * o.frameSamples;
  const limit = ms(o, o.maxSegmentMs) + o.frameSamples;
  const ends: EndEvent[] = [];

  // Pairing and numbering: start(id) end(id) start(id + 1) end(id + 1) …
  let open: (SegmentEvent & { type: 'start' }) | null = null;
  let expectedId = firstId;
  let previousEnd = Math.max(0, offset - ms(o, o.preRollMs));
  for (const [k, e] of events.entries()) {
    const label = `event ${k}: ${JSON.stringify(e)}`;
    // Nothing is reported past the end of the frame that caused it.
    if (e.type === 'start') {
      expect(open, label).toBeNull();
      expect(e.id, label).toBe(expectedId);
      expect(Number.isInteger(e.startSample), label).toBe(true);
      expect(e.startSample, label).toBeGreaterThanOrEqual(0);
      // Ordered and never overlapping the previous segment (nor before the first frame's pre-roll).
      expect(e.startSample, label).toBeGreaterThanOrEqual(previousEnd);
      expect(e.startSample, label).toBeLessThanOrEqual(frameEnd(e.frame));
      open = e;
      expectedId++;
    } else {
      expect(open, label).not.toBeNull();
      expect(e.id, label).toBe(open?.id);
      expect(e.startSample, label).toBe(open?.startSample);
      expect(e.endSample, label).toBeGreaterThan(e.startSample);
      expect(e.endSample, label).toBeLessThanOrEqual(frameEnd(e.frame));
      expect(e.endSample - e.startSample, label).toBeLessThan(limit);
      // flush() is the only source of 'flush' ends, and it ends only with it.
      expect(e.reason === 'flush', label).toBe(e.frame === frames.probabilities.length);
      if (e.reason === 'split') {
        // Same call, very next event: the next segment starts exactly where this one ended.
        expect(events[k + 1], label).toMatchObject({
          type: 'start',
          id: e.id + 1,
          startSample: e.endSample,
          frame: e.frame,
          indexInCall: e.indexInCall + 1,
        });
      }
      previousEnd = e.endSample;
      ends.push(e);
      open = null;
    }
  }
  // flush() closed whatever was open, and the segmenter agrees.
  expect(open).toBeNull();
  expect(seg.speaking).toBe(false);
  expect(seg.currentId).toBe(0);

  // The getters track the event stream frame by frame.
  let current = 0;
  let e = 0;
  speakingAfter.forEach((state, frame) => {
    for (; e < events.length && (events[e]?.frame ?? Number.POSITIVE_INFINITY) <= frame; e++) {
      const event = events[e];
      if (event) current = event.type === 'start' ? event.id : 0;
    }
    expect(state, `after frame ${frame}`).toEqual({ speaking: current !== 0, currentId: current });
  });

  // Coverage: every frame of a run of ≥ startThreshold frames lasting minSpeechMs lies inside a segment.
  const covered = mergeTouching(ends);
  const minFrames = Math.max(1, Math.ceil(ms(o, o.minSpeechMs) / o.frameSamples));
  const p = frames.probabilities;
  for (let i = 0; i < p.length; ) {
    if ((p[i] ?? 0) < o.startThreshold) {
      i++;
      continue;
    }
    let j = i;
    while (j < p.length && (p[j] ?? 0) >= o.startThreshold) j++;
    if (j - i >= minFrames) {
      const from = offset + i * o.frameSamples;
      const to = offset + j * o.frameSamples;
      const inside = covered.some(([s, t]) => s <= from && to <= t);
      expect(inside, `frames ${i}..${j - 1} (samples ${from}..${to}) not covered by ${JSON.stringify(covered)}`).toBe(
        true,
      );
    }
    i = j;
  }
  return ends;
}

/** Segments as [start, end) intervals, with back-to-back ones (splits) joined. */
function mergeTouching(ends: readonly EndEvent[]): [number, number][] {
  const merged: [number, number][] = [];
  for (const e of ends) {
    const last = merged.at(-1);
    if (last && last[1] === e.startSample) last[1] = e.endSample;
    else merged.push([e.startSample, e.endSample]);
  }
  return merged;
}

describe('Segmenter: properties with the default options', () => {
  const o = DEFAULT_SEGMENTER_OPTIONS;

  it('keeps every invariant over arbitrary probability runs', () => {
    let splits = 0;
    let segments = 0;
    fc.assert(
      fc.property(fc.array(runArb(400), { maxLength: 40 }), offsetArb, firstIdArb, (runs, offset, firstId) => {
        const frames = expand(runs, o);
        const seg = new Segmenter({}, firstId);
        const ends = checkInvariants(o, offset, firstId, frames, drive(seg, frames, offset, o.frameSamples), seg);
        segments += ends.length;
        splits += ends.filter((e) => e.reason === 'split').length;
      }),
      { numRuns: 150 },
    );
    // The generator must reach the interesting paths, or the properties say little.
    expect(segments).toBeGreaterThan(80);
    expect(splits).toBeGreaterThan(5);
  });

  it('emits nothing for probabilities that never reach startThreshold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: o.startThreshold, maxExcluded: true, noNaN: true }), { maxLength: 1500 }),
        offsetArb,
        (probabilities, offset) => {
          const seg = new Segmenter();
          const { events } = drive(seg, { probabilities, rms: [] }, offset, o.frameSamples);
          expect(events).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('Segmenter: properties with random valid options', () => {
  it('keeps every invariant over arbitrary probability runs', () => {
    let splits = 0;
    let segments = 0;
    fc.assert(
      fc.property(
        optionsArb,
        fc.array(runArb(250), { maxLength: 40 }),
        offsetArb,
        firstIdArb,
        (o, runs, offset, firstId) => {
          const frames = expand(runs, o);
          const seg = new Segmenter(o, firstId);
          const ends = checkInvariants(o, offset, firstId, frames, drive(seg, frames, offset, o.frameSamples), seg);
          segments += ends.length;
          splits += ends.filter((e) => e.reason === 'split').length;
        },
      ),
      { numRuns: 300 },
    );
    expect(segments).toBeGreaterThan(600);
    expect(splits).toBeGreaterThan(300);
  });

  it('emits nothing for probabilities below endThreshold (nor anywhere below startThreshold)', () => {
    fc.assert(
      fc.property(
        optionsArb,
        fc.array(fc.tuple(unit, fc.boolean(), unit), { maxLength: 1500 }),
        offsetArb,
        (o, raw, offset) => {
          // Half the frames under endThreshold, half between the thresholds.
          const probabilities = raw.map(([u, between]) =>
            between ? probability('between', u, o) : probability('silence', u, o),
          );
          const rms = raw.map(([, , r]) => r);
          const seg = new Segmenter(o);
          expect(drive(seg, { probabilities, rms }, offset, o.frameSamples).events).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
