import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SegmentLedger, VAD_RESUME_WINDOW_SAMPLES } from '../../src/engine/segment-ledger';
import type { SegmentEvent } from '../../src/shared/types';

type EndEvent = Extract<SegmentEvent, { type: 'end' }>;

const start = (id: number, startSample: number): SegmentEvent => ({ type: 'start', id, startSample });
const end = (id: number, startSample: number, endSample: number, reason: EndEvent['reason'] = 'silence'): EndEvent => ({
  type: 'end',
  id,
  startSample,
  endSample,
  reason,
});
const cancel = (id: number): SegmentEvent => ({ type: 'cancel', id });

function ledgerOf(...events: SegmentEvent[]): SegmentLedger {
  const ledger = new SegmentLedger();
  for (const e of events) ledger.record(e);
  return ledger;
}

describe('SegmentLedger', () => {
  it('starts empty', () => {
    const ledger = new SegmentLedger();
    expect(ledger.replay()).toEqual([]);
    expect(ledger.pendingFinals).toBe(0);
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 0, firstId: 1, cancel: null, floorSample: 0 });
    // A dictation that begins later on the page's timeline: its first detector starts at its first sample.
    ledger.clear(1234);
    expect(ledger.vadResumePoint(1234)).toEqual({ fromSample: 1234, firstId: 1, cancel: null, floorSample: 1234 });
    expect(ledger.sttResumePoint()).toBe(1234);
  });

  it('an open segment is replayed as its start and is where a new VAD resumes', () => {
    const ledger = ledgerOf(start(1, 16_000));
    expect(ledger.replay()).toEqual([start(1, 16_000)]);
    expect(ledger.pendingFinals).toBe(0);
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 16_000, firstId: 2, cancel: 1, floorSample: 0 });
  });

  it('an ended segment is owed a final until it arrives', () => {
    const ledger = ledgerOf(start(1, 100), end(1, 100, 900));
    expect(ledger.replay()).toEqual([end(1, 100, 900)]);
    expect(ledger.pendingFinals).toBe(1);
    // Nothing open: resume at the last end, where a segment the detector had pending may begin...
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 900, firstId: 2, cancel: null, floorSample: 900 });
    // ...but after a long silence no further back than the window before the detector's last position.
    const late = 900 + VAD_RESUME_WINDOW_SAMPLES + 5000;
    expect(ledger.vadResumePoint(late)).toEqual({ fromSample: 5900, firstId: 2, cancel: null, floorSample: 900 });

    ledger.finalReceived(1);
    expect(ledger.replay()).toEqual([]);
    expect(ledger.pendingFinals).toBe(0);
    // The final does not move the resume point back.
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 900, firstId: 2, cancel: null, floorSample: 900 });
  });

  it('replays owed ends oldest first, then the open start last', () => {
    const ledger = ledgerOf(
      start(1, 0),
      end(1, 0, 100, 'split'),
      start(2, 100),
      end(2, 100, 200, 'silence'),
      start(3, 300),
      end(3, 300, 400, 'silence'),
      start(4, 500),
    );
    ledger.finalReceived(2);
    expect(ledger.replay()).toEqual([end(1, 0, 100, 'split'), end(3, 300, 400), start(4, 500)]);
    expect(ledger.pendingFinals).toBe(2);
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 500, firstId: 5, cancel: 4, floorSample: 400 });
  });

  it('keeps owed ends in the order they ended even when their finals arrive out of order', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(2, 10), end(2, 10, 20), start(3, 20), end(3, 20, 30));
    ledger.finalReceived(3);
    ledger.finalReceived(1);
    expect(ledger.replay()).toEqual([end(2, 10, 20)]);
    ledger.finalReceived(2);
    expect(ledger.replay()).toEqual([]);
  });

  it('ignores finals for unknown, repeated or cancelled ids', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(2, 10), cancel(2), start(3, 20), end(3, 20, 30));
    ledger.finalReceived(42);
    ledger.finalReceived(2);
    ledger.finalReceived(1);
    ledger.finalReceived(1);
    expect(ledger.replay()).toEqual([end(3, 20, 30)]);
    expect(ledger.pendingFinals).toBe(1);
  });

  it('a cancel closes the open segment without owing a final, and its id is never reused', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(2, 50), cancel(2));
    expect(ledger.replay()).toEqual([end(1, 0, 10)]);
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 10, firstId: 3, cancel: null, floorSample: 10 });
  });

  it('a cancel or end for another id leaves the open segment open', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(5, 50), cancel(4), end(1, 0, 10));
    expect(ledger.replay()).toEqual([end(1, 0, 10), start(5, 50)]);
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 50, firstId: 6, cancel: 5, floorSample: 10 });
  });

  it("ignores 'pause' hints: the paused segment stays open and nothing is owed", () => {
    const pause: SegmentEvent = { type: 'pause', id: 2, startSample: 50, endSample: 90 };
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(2, 50), pause);
    expect(ledger.replay()).toEqual([end(1, 0, 10), start(2, 50)]);
    expect(ledger.pendingFinals).toBe(1);
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 50, firstId: 3, cancel: 2, floorSample: 10 });
    // Even a stray one for an id never started.
    ledger.record({ type: 'pause', id: 9, startSample: 0, endSample: 5000 });
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 50, firstId: 3, cancel: 2, floorSample: 10 });
  });

  it('firstId follows the highest id seen, whatever the event', () => {
    expect(ledgerOf(start(7, 0)).vadResumePoint(0).firstId).toBe(8);
    expect(ledgerOf(start(7, 0), cancel(9)).vadResumePoint(0).firstId).toBe(10);
    // A replacement VAD numbered from firstId: its ids keep growing.
    expect(ledgerOf(start(7, 0), cancel(7), start(8, 0), end(8, 0, 5)).vadResumePoint(0).firstId).toBe(9);
  });

  it('a cancel drops the open segment but keeps what is owed and the id sequence', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(2, 50));
    const before = ledger.vadResumePoint(0);
    expect(before).toEqual({ fromSample: 50, firstId: 3, cancel: 2, floorSample: 10 });
    ledger.record(cancel(2));
    expect(ledger.replay()).toEqual([end(1, 0, 10)]);
    expect(ledger.pendingFinals).toBe(1);
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 10, firstId: 3, cancel: null, floorSample: 10 });
    // Idempotent.
    ledger.record(cancel(2));
    expect(ledger.replay()).toEqual([end(1, 0, 10)]);
  });

  it('the replacement VAD re-detects the cancelled segment under the next id (as the pipeline does)', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(2, 50));
    const resume = ledger.vadResumePoint(0);
    ledger.record(cancel(2));
    ledger.record(start(resume.firstId, resume.fromSample));
    ledger.record(end(resume.firstId, resume.fromSample, 200));
    ledger.finalReceived(1);
    expect(ledger.replay()).toEqual([end(3, 50, 200)]);
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 200, firstId: 4, cancel: null, floorSample: 200 });
  });

  it('clear forgets everything owed and the open segment', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(2, 50));
    ledger.clear(0);
    expect(ledger.replay()).toEqual([]);
    expect(ledger.pendingFinals).toBe(0);
    expect(ledger.vadResumePoint(0).cancel).toBeNull();
    // A new dictation starts recording from scratch.
    ledger.record(start(1, 1000));
    expect(ledger.replay()).toEqual([start(1, 1000)]);
  });

  it('replay returns a fresh array each time', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(2, 50));
    const first = ledger.replay();
    first.length = 0;
    expect(ledger.replay()).toEqual([end(1, 0, 10), start(2, 50)]);
  });
});

// ---------------------------------------------------------------------------
// Property: any well-formed history of events and finals.

/**
 * Raw steps, interpreted against the current state so every history is
 * well-formed: a start only when nothing is open, ids increasing within a
 * dictation (with gaps, as after a VAD replacement), an end, pause or cancel
 * only for the open segment, finals only for ids that are not open.
 */
type Step =
  | { kind: 'segment'; idGap: number; startGap: number; length: number; reason: EndEvent['reason'] }
  | { kind: 'pause'; length: number }
  | { kind: 'cancelEvent' }
  | { kind: 'cancelOpen' }
  | { kind: 'final'; pick: number }
  | { kind: 'strayFinal'; id: number }
  | { kind: 'clear'; restartIds: boolean };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('segment' as const),
      idGap: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 5 })),
      startGap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50_000 })),
      length: fc.integer({ min: 1, max: 400_000 }),
      reason: fc.constantFrom<EndEvent['reason']>('silence', 'split', 'flush'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('pause' as const), length: fc.integer({ min: 1, max: 400_000 }) }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'cancelEvent' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancelOpen' as const }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('final' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('strayFinal' as const), id: fc.integer({ min: -5, max: 0 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), restartIds: fc.boolean() }) },
);

describe('SegmentLedger: properties', () => {
  it('replays exactly the ended, unfinalised segments of this dictation, in order, then at most the open start', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 80 }), fc.nat({ max: 10_000_000 }), (steps, position) => {
        const ledger = new SegmentLedger();
        // The history since the last clear(), from which the expectation is derived afresh each step.
        let ended: EndEvent[] = [];
        const finals = new Set<number>();
        let open: { id: number; startSample: number } | null = null;
        // Highest id since the last clear(), and the newest end (or the dictation's first sample).
        let highestId = 0;
        let lastEnd = 0;
        // The generator's own position in the dictation.
        let nextId = 1;
        let sample = 0;

        for (const [n, step] of steps.entries()) {
          const label = `step ${n}: ${JSON.stringify(step)}`;
          switch (step.kind) {
            case 'segment': {
              if (open) {
                // Something is open: this step ends it.
                const e = end(open.id, open.startSample, open.startSample + step.length, step.reason);
                ledger.record(e);
                ended.push(e);
                lastEnd = Math.max(lastEnd, e.endSample);
                sample = e.endSample;
                open = null;
              } else {
                const id = nextId + step.idGap - 1;
                const s = sample + step.startGap;
                ledger.record(start(id, s));
                open = { id, startSample: s };
                highestId = Math.max(highestId, id);
                nextId = id + 1;
                sample = s;
              }
              break;
            }
            case 'pause':
              // A hint about the open segment's possible end: changes nothing the ledger keeps.
              if (open) {
                const { id, startSample } = open;
                ledger.record({ type: 'pause', id, startSample, endSample: startSample + step.length });
              }
              break;
            case 'cancelEvent':
              if (open) {
                ledger.record(cancel(open.id));
                open = null;
              }
              break;
            case 'cancelOpen':
              if (open) ledger.record(cancel(open.id));
              open = null;
              break;
            case 'final': {
              const target = ended[step.pick % Math.max(1, ended.length)];
              if (target) {
                ledger.finalReceived(target.id);
                finals.add(target.id);
              }
              break;
            }
            case 'strayFinal':
              ledger.finalReceived(step.id);
              break;
            case 'clear':
              // A new dictation's VAD numbers from 1 again; the ring's timeline may also restart.
              if (step.restartIds) {
                nextId = 1;
                sample = 0;
              }
              ledger.clear(sample);
              ended = [];
              finals.clear();
              open = null;
              highestId = 0;
              lastEnd = sample;
              break;
          }

          const replay = ledger.replay();
          const owed = ended.filter((e) => !finals.has(e.id));
          expect(replay, label).toEqual(open ? [...owed, start(open.id, open.startSample)] : owed);
          expect(ledger.pendingFinals, label).toBe(owed.length);

          // The shape the STT worker relies on, stated directly: ends with increasing,
          // distinct ids, none finalised, then at most one start, last.
          const ends = replay.filter((e) => e.type === 'end');
          const starts = replay.filter((e) => e.type === 'start');
          expect(starts.length, label).toBeLessThanOrEqual(1);
          if (starts.length === 1) expect(replay.at(-1), label).toBe(starts[0]);
          expect(
            replay.every((e) => e.type !== 'cancel'),
            label,
          ).toBe(true);
          for (let i = 1; i < ends.length; i++) {
            expect(ends[i]?.id, label).toBeGreaterThan(ends[i - 1]?.id ?? Number.POSITIVE_INFINITY);
          }
          expect(
            ends.some((e) => finals.has(e.id)),
            label,
          ).toBe(false);

          expect(ledger.vadResumePoint(position), label).toEqual({
            fromSample: open ? open.startSample : Math.max(lastEnd, position - VAD_RESUME_WINDOW_SAMPLES),
            firstId: highestId + 1,
            cancel: open ? open.id : null,
            floorSample: lastEnd,
          });
          const owedStarts = [...owed.map((e) => e.startSample), ...(open ? [open.startSample] : [])];
          expect(ledger.sttResumePoint(), label).toBe(owedStarts.length > 0 ? Math.min(...owedStarts) : lastEnd);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('a new dictation', () => {
  it('forgets the previous dictation’s positions and ids', () => {
    const ledger = new SegmentLedger();
    ledger.record({ type: 'start', id: 7, startSample: 900_000 });
    ledger.record({ type: 'end', id: 7, startSample: 900_000, endSample: 950_000, reason: 'silence' });
    // On the MessagePort path the next dictation counts samples from 0 again.
    ledger.clear(0);
    expect(ledger.vadResumePoint(0)).toEqual({ fromSample: 0, firstId: 1, cancel: null, floorSample: 0 });
    expect(ledger.sttResumePoint()).toBe(0);
  });
});

describe('exactly once', () => {
  it('a final that arrives before its end leaves nothing owed', () => {
    const ledger = ledgerOf(start(1, 0));
    ledger.finalReceived(1);
    ledger.record(end(1, 0, 900));
    expect(ledger.pendingFinals).toBe(0);
    expect(ledger.replay()).toEqual([]);
    expect(ledger.settledAll).toBe(true);
    // …and the next segment may still not start before that end.
    expect(ledger.vadResumePoint(0).floorSample).toBe(900);
  });

  it('a late start for a segment already ended or cancelled does not reopen it', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(1, 0), start(2, 20), cancel(2), start(2, 20));
    expect(ledger.replay()).toEqual([end(1, 0, 10)]);
    expect(ledger.vadResumePoint(0).cancel).toBeNull();
  });

  it('abandoning turns everything owed, and the open segment, into ranges, once', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 10), start(2, 20), end(2, 20, 30), start(3, 40));
    ledger.finalReceived(2);
    expect(ledger.abandon(55)).toEqual([
      { id: 1, startSample: 0, endSample: 10 },
      { id: 3, startSample: 40, endSample: 55 },
    ]);
    expect(ledger.settledAll).toBe(true);
    expect(ledger.abandon(99)).toEqual([]);
    // A final that straggles in afterwards owes nothing either.
    ledger.record(end(3, 40, 60));
    expect(ledger.pendingFinals).toBe(0);
  });

  it('oldestNeeded is where a replaced STT worker must read from', () => {
    expect(ledgerOf(start(1, 0), end(1, 0, 10)).oldestNeeded()).toBe(0);
    expect(ledgerOf(start(1, 5), end(1, 5, 10), start(2, 20)).oldestNeeded()).toBe(5);
    const ledger = ledgerOf(start(1, 5), end(1, 5, 10), start(2, 20));
    ledger.finalReceived(1);
    expect(ledger.oldestNeeded()).toBe(20);
    ledger.record(cancel(2));
    expect(ledger.oldestNeeded()).toBeNull();
  });
});

describe('sttResumePoint', () => {
  it('is the oldest owed audio, else the last end, where a segment the detector has pending may begin', () => {
    expect(ledgerOf(start(1, 5), end(1, 5, 10), start(2, 20)).sttResumePoint()).toBe(5);
    const ledger = ledgerOf(start(1, 5), end(1, 5, 100));
    ledger.finalReceived(1);
    expect(ledger.sttResumePoint()).toBe(100);
    ledger.record(start(2, 150));
    expect(ledger.sttResumePoint()).toBe(150);
  });
});

describe('owedSamples', () => {
  it('adds up the owed segments and the open one up to a given end', () => {
    const ledger = ledgerOf(start(1, 0), end(1, 0, 100), start(2, 200), end(2, 200, 260), start(3, 300));
    ledger.finalReceived(1);
    expect(ledger.owedSamples(350)).toBe(60 + 50);
    expect(ledger.owedSamples(100)).toBe(60);
  });
});
