import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CadenceOptions,
  DEFAULT_CADENCE,
  FINAL_ATTEMPTS,
  nextPartialDelay,
  type TranscribeOutcome,
  type TranscribeRequest,
  TranscriptionScheduler,
} from '../../src/engine/stt-scheduler';
import type { SegmentEvent, TranscriptionResult } from '../../src/shared/types';

// Fake timers drive both the scheduler's setTimeout and the fake model's
// latency, and Date.now() is the scheduler's clock, so every cadence is exact
// and nothing depends on how busy the machine is.

interface Call {
  kind: TranscribeRequest['kind'];
  segmentId: number;
  startSample: number;
  endSample: number;
  /** writePosition() at the moment of the request. */
  written: number;
  requestedAt: number;
  settledAt?: number;
  inferenceMs?: number;
  aborted?: boolean;
  shouldContinue: () => boolean;
}

/** How often the fake model checks shouldContinue(), like the real decoder between steps. */
const ABORT_POLL_MS = 10;

function createHarness(cadence?: CadenceOptions) {
  const t0 = Date.now();
  const h = {
    calls: [] as Call[],
    emitted: [] as TranscriptionResult[],
    abandoned: 0,
    inFlight: 0,
    maxInFlight: 0,
    /** Milliseconds the fake model takes for a request. */
    latency: (_request: TranscribeRequest, _call: Call): number => 100,
    /** Whether the fake model stops early when shouldContinue() turns false. */
    honoursAbort: true,
    /** Defaults to audio arriving in real time (16 samples per ms) from t0. */
    write: (): number => 16 * (Date.now() - t0),
    elapsed: (): number => Date.now() - t0,
    sched: undefined as unknown as TranscriptionScheduler,
    partials: (): Call[] => h.calls.filter((c) => c.kind === 'partial'),
    finals: (): Call[] => h.calls.filter((c) => c.kind === 'final'),
    emittedPartials: (): TranscriptionResult[] => h.emitted.filter((r) => r.kind === 'partial'),
    emittedFinals: (): TranscriptionResult[] => h.emitted.filter((r) => r.kind === 'final'),
  };
  h.sched = new TranscriptionScheduler(
    {
      now: () => Date.now(),
      writePosition: () => h.write(),
      transcribe: (request) => {
        const call: Call = {
          kind: request.kind,
          segmentId: request.segmentId,
          startSample: request.startSample,
          endSample: request.endSample,
          written: h.write(),
          requestedAt: h.elapsed(),
          shouldContinue: request.shouldContinue,
        };
        h.calls.push(call);
        h.inFlight++;
        h.maxInFlight = Math.max(h.maxInFlight, h.inFlight);
        const started = Date.now();
        return new Promise<TranscribeOutcome>((resolve) => {
          const finish = (aborted: boolean): void => {
            clearTimeout(done);
            if (poll !== undefined) clearInterval(poll);
            h.inFlight--;
            call.settledAt = h.elapsed();
            call.inferenceMs = Date.now() - started;
            call.aborted = aborted;
            resolve({
              // Derived from the request: these tests are about scheduling, not the model.
              text: `${request.kind}:${request.startSample}-${request.endSample}`,
              inferenceMs: call.inferenceMs,
              lostSamples: request.segmentId * 10,
              aborted,
            });
          };
          const done = setTimeout(() => finish(false), h.latency(request, call));
          const poll = h.honoursAbort
            ? setInterval(() => {
                if (!request.shouldContinue()) finish(true);
              }, ABORT_POLL_MS)
            : undefined;
        });
      },
      emit: (result) => h.emitted.push(result),
      onPartialAbandoned: () => h.abandoned++,
    },
    cadence,
  );
  return h;
}

const advance = async (ms: number): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
};
const start = (id: number, startSample: number): SegmentEvent => ({ type: 'start', id, startSample });
const end = (
  id: number,
  startSample: number,
  endSample: number,
  reason: 'silence' | 'split' | 'flush' = 'silence',
): SegmentEvent => ({ type: 'end', id, startSample, endSample, reason });

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('nextPartialDelay', () => {
  it('waits costFactor times the last inference, clamped to the interval limits', () => {
    // 200 ms floor, 1500 ms ceiling, ×1.5 in between.
    expect(nextPartialDelay(0)).toBe(200);
    expect(nextPartialDelay(100)).toBe(200);
    expect(nextPartialDelay(200)).toBe(300);
    expect(nextPartialDelay(600)).toBe(900);
    expect(nextPartialDelay(1000)).toBe(1500);
    expect(nextPartialDelay(10_000)).toBe(1500);
  });

  it('uses the cadence it is given', () => {
    const cadence: CadenceOptions = { ...DEFAULT_CADENCE, minIntervalMs: 50, maxIntervalMs: 400, costFactor: 3 };
    expect(nextPartialDelay(10, cadence)).toBe(50);
    expect(nextPartialDelay(100, cadence)).toBe(300);
    expect(nextPartialDelay(200, cadence)).toBe(400);
  });
});

describe('TranscriptionScheduler: finals', () => {
  it('emits every final exactly once, in order, with the exact sample range of its end event', async () => {
    const h = createHarness();
    h.write = () => 30_000; // all audio present; no segment stays open, so no partials
    h.latency = (r) => 50 + r.segmentId * 30;
    h.sched.start();
    h.sched.segment(start(1, 1000));
    h.sched.segment(end(1, 1000, 9000));
    h.sched.segment(start(2, 9000));
    h.sched.segment(end(2, 9000, 20_000, 'split'));
    await advance(30); // final 1 is running
    h.sched.segment(start(3, 20_000));
    h.sched.segment(end(3, 20_000, 29_500));
    await advance(2000);

    const ranges: [number, number, number][] = [
      [1, 1000, 9000],
      [2, 9000, 20_000],
      [3, 20_000, 29_500],
    ];
    expect(h.emitted).toEqual(
      ranges.map(([id, s, e]) => ({
        kind: 'final',
        segmentId: id,
        text: `final:${s}-${e}`,
        startSample: s,
        endSample: e,
        inferenceMs: 50 + id * 30,
        lostSamples: id * 10,
      })),
    );
    expect(h.calls.map((c) => `${c.kind}${c.segmentId}`)).toEqual(['final1', 'final2', 'final3']);
    // One model call at a time, each final after the previous one finished.
    expect(h.maxInFlight).toBe(1);
    expect(h.calls[1]?.requestedAt).toBe(h.calls[0]?.settledAt);
  });

  it('abandons a running partial when a final arrives and runs the final next', async () => {
    const h = createHarness();
    h.latency = (r) => (r.kind === 'partial' ? 1000 : 100);
    h.sched.start();
    h.sched.segment(start(1, 0));
    await advance(400);
    const partial = h.calls[0];
    expect(partial).toMatchObject({ kind: 'partial', segmentId: 1, startSample: 0 });
    expect(partial?.settledAt).toBeUndefined();
    expect(partial?.shouldContinue()).toBe(true);

    const endAt = h.elapsed();
    h.sched.segment(end(1, 0, 6400));
    // Stale the moment the final is queued, before the model next checks.
    expect(partial?.shouldContinue()).toBe(false);

    await advance(ABORT_POLL_MS);
    expect(partial?.aborted).toBe(true);
    expect(h.abandoned).toBe(1);
    expect(h.calls[1]).toMatchObject({ kind: 'final', segmentId: 1, startSample: 0, endSample: 6400 });
    expect(h.calls[1]?.requestedAt).toBeLessThanOrEqual(endAt + ABORT_POLL_MS);

    await advance(3000);
    // The abandoned partial produced nothing; the closed segment gets no more partials.
    expect(h.emitted.map((r) => r.kind)).toEqual(['final']);
    expect(h.calls).toHaveLength(2);
  });

  it('drops a partial that completes after its segment ended, without calling it abandoned', async () => {
    const h = createHarness();
    h.honoursAbort = false; // the model ignores shouldContinue() and runs to the end
    h.latency = (r) => (r.kind === 'partial' ? 500 : 100);
    h.sched.start();
    h.sched.segment(start(1, 0));
    await advance(400);
    expect(h.calls.map((c) => c.kind)).toEqual(['partial']);
    h.sched.segment(end(1, 0, 6400));
    await advance(2000);

    expect(h.calls.map((c) => c.kind)).toEqual(['partial', 'final']);
    expect(h.calls[0]?.aborted).toBe(false);
    expect(h.emitted.map((r) => r.kind)).toEqual(['final']);
    expect(h.abandoned).toBe(0);
  });

  it('after a split, abandons the old partial, finalises the first piece, then follows the new segment', async () => {
    const h = createHarness();
    h.latency = (r) => (r.kind === 'partial' ? 800 : 100);
    h.sched.start();
    h.sched.segment(start(1, 0));
    await advance(400);
    // The VAD emits both in the same push.
    h.sched.segment(end(1, 0, 5000, 'split'));
    h.sched.segment(start(2, 5000));
    await advance(1500);

    expect(h.abandoned).toBe(1);
    expect(h.calls.slice(0, 3).map((c) => `${c.kind}${c.segmentId}`)).toEqual(['partial1', 'final1', 'partial2']);
    expect(h.emittedFinals()).toMatchObject([{ segmentId: 1, startSample: 0, endSample: 5000 }]);
    const next = h.calls[2];
    expect(next).toMatchObject({ startSample: 5000 });
    expect(next?.endSample).toBe(next?.written);
  });
});

describe('TranscriptionScheduler: partials', () => {
  it('never queues partials: one at a time, each covering [segment start, write position at request)', async () => {
    const h = createHarness();
    h.latency = () => 1500; // slow model: audio piles up while it runs
    h.sched.start();
    h.sched.segment(start(1, 800));
    await advance(9000);

    const partials = h.partials();
    expect(h.maxInFlight).toBe(1);
    // ~9 s at 1.5 s per decode plus a 1.5 s pause after each: a handful, not one
    // per 2400 new samples (which would be ~60).
    expect(partials.length).toBeGreaterThanOrEqual(2);
    expect(partials.length).toBeLessThanOrEqual(Math.ceil(9000 / 3000) + 1);
    for (const [i, p] of partials.entries()) {
      expect(p.segmentId).toBe(1);
      expect(p.startSample).toBe(800);
      expect(p.endSample).toBe(p.written);
      const previous = partials[i - 1];
      if (previous) {
        // Exactly one follow-up, only after the previous one finished, however much audio arrived meanwhile.
        expect(p.requestedAt).toBe((previous.settledAt ?? Number.NaN) + nextPartialDelay(1500));
        expect(p.endSample - previous.endSample).toBe(16 * (p.requestedAt - previous.requestedAt));
      }
    }
    // Every finished partial was emitted with its request's range.
    const settled = partials.filter((p) => p.settledAt !== undefined);
    expect(h.emittedPartials()).toEqual(
      settled.map((p) => ({
        kind: 'partial',
        segmentId: 1,
        text: `partial:800-${p.endSample}`,
        startSample: 800,
        endSample: p.endSample,
        inferenceMs: 1500,
        lostSamples: 10,
      })),
    );
  });

  it('waits for minPartialSamples of audio, then for minNewSamples more before the next', async () => {
    const h = createHarness();
    const segmentStart = 10_000;
    let written = segmentStart + DEFAULT_CADENCE.minPartialSamples - 1;
    h.write = () => written;
    h.sched.start();
    h.sched.segment(start(1, segmentStart));
    await advance(2000);
    expect(h.calls).toEqual([]);

    written++;
    await advance(100);
    expect(h.partials()).toHaveLength(1);
    expect(h.partials()[0]).toMatchObject({ startSample: segmentStart, endSample: written });

    // Nothing new to hear: no point decoding the same audio again.
    await advance(3000);
    expect(h.partials()).toHaveLength(1);
    written += DEFAULT_CADENCE.minNewSamples - 1;
    await advance(1000);
    expect(h.partials()).toHaveLength(1);
    written++;
    await advance(100);
    expect(h.partials()).toHaveLength(2);
    expect(h.partials()[1]).toMatchObject({ startSample: segmentStart, endSample: written });
  });

  it('paces partials by nextPartialDelay(last inference time)', async () => {
    const h = createHarness();
    // min clamp (75 → 200), costFactor (400 → 600), max clamp (3000 → 1500), min clamp again.
    const latencies = [50, 400, 2000, 100, 300];
    h.latency = (_r, call) => latencies[h.calls.indexOf(call)] ?? 100;
    h.sched.start();
    h.sched.segment(start(1, 0));
    await advance(8000);

    const partials = h.partials();
    expect(partials.length).toBeGreaterThan(latencies.length);
    const gaps = partials.slice(1, latencies.length + 1).map((p, i) => {
      const previous = partials[i];
      return p.requestedAt - (previous?.settledAt ?? Number.NaN);
    });
    expect(gaps).toEqual([200, 600, 1500, 200, 450]);
  });

  it('follows a custom cadence', async () => {
    const cadence: CadenceOptions = {
      minIntervalMs: 100,
      maxIntervalMs: 300,
      costFactor: 2,
      minNewSamples: 800,
      minPartialSamples: 1600,
    };
    const h = createHarness(cadence);
    const latencies = [120, 20, 500];
    h.latency = (_r, call) => latencies[h.calls.indexOf(call)] ?? 20;
    h.sched.start();
    h.sched.segment(start(1, 0));
    await advance(2000);

    const partials = h.partials();
    // The first one as soon as 1600 samples (100 ms) exist, on the scheduler's polling grid.
    expect(partials[0]?.endSample).toBeGreaterThanOrEqual(1600);
    const gaps = partials.slice(1, 4).map((p, i) => p.requestedAt - (partials[i]?.settledAt ?? Number.NaN));
    expect(gaps).toEqual([240, 100, 300]);
  });

  it('starts no partial while the speaker is silent, lets a running one finish, and goes on when they speak again', async () => {
    const h = createHarness();
    h.latency = () => 100;
    h.sched.start();
    h.sched.segment(start(1, 0));
    await advance(500);
    const before = h.partials().length;
    expect(before).toBeGreaterThan(0);
    h.sched.segment({ type: 'quiet', id: 1, quiet: true });
    // A quiet spell for another segment, or a stale one, changes nothing for this one.
    h.sched.segment({ type: 'quiet', id: 9, quiet: false });
    await advance(2000);
    const running = h.partials().filter((p) => p.settledAt === undefined);
    expect(running).toEqual([]);
    const quietPartials = h.partials().length;
    expect(quietPartials - before).toBeLessThanOrEqual(1); // at most the one already running, never aborted
    expect(h.abandoned).toBe(0);
    h.sched.segment({ type: 'quiet', id: 1, quiet: false });
    await advance(1000);
    expect(h.partials().length).toBeGreaterThan(quietPartials);
  });

  it('a quiet spell of an ended segment does not hold back the next one', async () => {
    const h = createHarness();
    h.sched.start();
    h.sched.segment(start(1, 0));
    h.sched.segment({ type: 'quiet', id: 1, quiet: true });
    h.sched.segment(end(1, 0, 8000));
    h.sched.segment(start(2, 8000));
    await advance(2000);
    expect(h.partials().some((p) => p.segmentId === 2)).toBe(true);
  });

  it('makes no partials while no segment is open', async () => {
    const h = createHarness();
    h.sched.start();
    await advance(3000);
    h.sched.segment(start(1, 0));
    h.sched.segment(end(1, 0, 48_000));
    await advance(3000);
    expect(h.calls.map((c) => c.kind)).toEqual(['final']);
  });
});

describe('TranscriptionScheduler: idle and stop', () => {
  it('idle() resolves at once when nothing is pending, even while a partial runs', async () => {
    const h = createHarness();
    h.latency = () => 2000;
    h.sched.start();
    let resolved = h.sched.idle().then(() => true);
    await advance(0);
    expect(await Promise.race([resolved, false])).toBe(true);

    h.sched.segment(start(1, 0));
    await advance(500);
    expect(h.partials()[0]?.settledAt).toBeUndefined();
    resolved = h.sched.idle().then(() => true);
    await advance(0);
    expect(await Promise.race([resolved, false])).toBe(true);
  });

  it('idle() resolves only after every final received so far has been emitted', async () => {
    const h = createHarness();
    h.write = () => 0;
    h.latency = () => 300;
    h.sched.start();
    for (const id of [1, 2, 3]) {
      h.sched.segment(start(id, id * 1000));
      h.sched.segment(end(id, id * 1000, id * 1000 + 900));
    }
    let finalsAtResolve = -1;
    const idle = h.sched.idle().then(() => {
      finalsAtResolve = h.emittedFinals().length;
    });
    await advance(899);
    expect(finalsAtResolve).toBe(-1);
    await advance(1);
    await idle;
    expect(finalsAtResolve).toBe(3);
  });

  it('stop() still drains the finals already received, in order, and then makes no more calls', async () => {
    const h = createHarness();
    h.latency = (r) => (r.kind === 'partial' ? 1000 : 200);
    h.sched.start();
    h.sched.segment(start(1, 0));
    h.sched.segment(end(1, 0, 4000));
    h.sched.segment(start(2, 4000));
    h.sched.segment(end(2, 4000, 9000));
    h.sched.segment(start(3, 9000)); // still open when stopped: it gets no final from here
    await advance(50);
    h.sched.stop();
    const idle = h.sched.idle();
    await advance(5000);
    await idle;

    expect(h.emittedFinals().map((r) => [r.segmentId, r.startSample, r.endSample])).toEqual([
      [1, 0, 4000],
      [2, 4000, 9000],
    ]);
    expect(h.partials()).toEqual([]);
    // The loop has ended: nothing left polling or sleeping.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() abandons a running partial but not the final that follows it', async () => {
    const h = createHarness();
    h.latency = (r) => (r.kind === 'partial' ? 1000 : 100);
    h.sched.start();
    h.sched.segment(start(1, 0));
    await advance(400);
    expect(h.partials()).toHaveLength(1);
    h.sched.segment(end(1, 0, 6000, 'flush'));
    h.sched.stop();
    await advance(1000);

    expect(h.abandoned).toBe(1);
    expect(h.emitted).toEqual([
      expect.objectContaining({ kind: 'final', segmentId: 1, startSample: 0, endSample: 6000 }),
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() alone makes a running partial stale, so the model is freed at once', async () => {
    const h = createHarness();
    h.latency = () => 5000;
    h.sched.start();
    h.sched.segment(start(1, 0));
    await advance(400);
    const partial = h.partials()[0];
    expect(partial?.shouldContinue()).toBe(true);
    h.sched.stop();
    expect(partial?.shouldContinue()).toBe(false);
    await advance(ABORT_POLL_MS);

    expect(partial?.aborted).toBe(true);
    expect(h.emitted).toEqual([]);
    expect(h.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('a decode that throws', () => {
  function throwing(fails: (call: number, request: TranscribeRequest) => boolean) {
    const emitted: TranscriptionResult[] = [];
    const errors: string[] = [];
    const requests: TranscribeRequest[] = [];
    const scheduler = new TranscriptionScheduler({
      now: () => Date.now(),
      writePosition: () => 0,
      transcribe: async (request) => {
        requests.push(request);
        if (fails(requests.length, request)) throw new Error('wasm trap');
        return { text: `ok ${request.segmentId}`, inferenceMs: 1, lostSamples: 0, aborted: false };
      },
      emit: (result) => emitted.push(result),
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    });
    return { scheduler, emitted, errors, requests };
  }

  it('is reported and retried: one failure costs no words, and later finals still complete', async () => {
    const { scheduler, emitted, errors } = throwing((call) => call === 1);
    scheduler.start();
    scheduler.segment({ type: 'end', id: 1, startSample: 0, endSample: 16000, reason: 'silence' });
    scheduler.segment({ type: 'end', id: 2, startSample: 16000, endSample: 32000, reason: 'silence' });
    await scheduler.idle();
    scheduler.stop();
    expect(errors).toEqual(['wasm trap']);
    expect(emitted.map((r) => [r.kind, r.segmentId, r.text])).toEqual([
      ['final', 1, 'ok 1'],
      ['final', 2, 'ok 2'],
    ]);
  });

  it(`a final that fails ${FINAL_ATTEMPTS} times becomes a gap, never empty text`, async () => {
    const { scheduler, emitted, errors } = throwing((_, request) => request.segmentId === 1);
    scheduler.start();
    scheduler.segment({ type: 'end', id: 1, startSample: 0, endSample: 16000, reason: 'silence' });
    scheduler.segment({ type: 'end', id: 2, startSample: 16000, endSample: 32000, reason: 'silence' });
    await scheduler.idle();
    scheduler.stop();
    expect(errors).toHaveLength(FINAL_ATTEMPTS);
    expect(emitted.map((r) => [r.kind, r.segmentId, r.startSample, r.endSample])).toEqual([
      ['gap', 1, 0, 16000],
      ['final', 2, 16000, 32000],
    ]);
  });

  it('a failed early decode is never reused as the final', async () => {
    vi.useRealTimers();
    const { scheduler, emitted, requests } = throwing((call) => call === 1);
    scheduler.start();
    scheduler.segment({ type: 'start', id: 1, startSample: 0 });
    scheduler.segment({ type: 'pause', id: 1, startSample: 0, endSample: 16000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    scheduler.segment({ type: 'end', id: 1, startSample: 0, endSample: 16000, reason: 'silence' });
    await scheduler.idle();
    scheduler.stop();
    // The early decode of exactly the final range threw; the final decoded it again.
    expect(requests.filter((r) => r.kind === 'final' && r.endSample === 16000)).toHaveLength(2);
    expect(emitted.filter((r) => r.kind !== 'partial').map((r) => [r.kind, r.text])).toEqual([['final', 'ok 1']]);
  });
});

describe('replays and late duplicates', () => {
  it('a start for a segment already ended or cancelled does not reopen it', async () => {
    vi.useRealTimers();
    const emitted: TranscriptionResult[] = [];
    const scheduler = new TranscriptionScheduler({
      now: () => Date.now(),
      writePosition: () => 64_000,
      transcribe: async (request) => ({
        text: `ok ${request.segmentId}`,
        inferenceMs: 1,
        lostSamples: 0,
        aborted: false,
      }),
      emit: (result) => emitted.push(result),
    });
    scheduler.start();
    scheduler.segment({ type: 'end', id: 1, startSample: 0, endSample: 16000, reason: 'silence' });
    scheduler.segment({ type: 'start', id: 1, startSample: 0 });
    scheduler.segment({ type: 'end', id: 1, startSample: 0, endSample: 16000, reason: 'silence' });
    scheduler.segment({ type: 'cancel', id: 2 });
    scheduler.segment({ type: 'start', id: 2, startSample: 16000 });
    scheduler.segment({ type: 'end', id: 2, startSample: 16000, endSample: 32000, reason: 'silence' });
    await scheduler.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    scheduler.stop();
    expect(emitted.map((r) => [r.kind, r.segmentId])).toEqual([['final', 1]]);
  });
});

describe('early finals from a pause', () => {
  // These drive the scheduler with real (zero-delay) timers and explicit decode releases.
  beforeEach(() => {
    vi.useRealTimers();
  });

  function harness() {
    const requests: TranscribeRequest[] = [];
    const emitted: TranscriptionResult[] = [];
    let release: (() => void) | null = null;
    const scheduler = new TranscriptionScheduler(
      {
        now: () => Date.now(),
        // No partials: too little new audio for one.
        writePosition: () => 0,
        transcribe: async (request) => {
          requests.push(request);
          // Each decode waits until the test lets it finish, so events can arrive mid-decode.
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return {
            text: `${request.startSample}-${request.endSample}`,
            inferenceMs: 1,
            lostSamples: 0,
            aborted: !request.shouldContinue(),
          };
        },
        emit: (result) => emitted.push(result),
      },
      DEFAULT_CADENCE,
    );
    const settle = async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
    };
    const finishDecode = async () => {
      await settle();
      release?.();
      release = null;
      await settle();
    };
    return { scheduler, requests, emitted, finishDecode, settle };
  }

  it('decodes the paused range once and uses it for the final when the end confirms it', async () => {
    const h = harness();
    h.scheduler.start();
    h.scheduler.segment({ type: 'start', id: 1, startSample: 0 });
    h.scheduler.segment({ type: 'pause', id: 1, startSample: 0, endSample: 32000 });
    await h.settle();
    // The end arrives while the early decode is still running: it must not be abandoned.
    h.scheduler.segment({ type: 'end', id: 1, startSample: 0, endSample: 32000, reason: 'silence' });
    await h.finishDecode();
    await h.scheduler.idle();
    h.scheduler.stop();
    expect(h.requests.map((r) => [r.kind, r.startSample, r.endSample])).toEqual([['final', 0, 32000]]);
    expect(h.emitted.map((r) => [r.kind, r.segmentId, r.text])).toEqual([['final', 1, '0-32000']]);
  });

  it('decodes again when the speaker went on and the segment ended elsewhere', async () => {
    const h = harness();
    h.scheduler.start();
    h.scheduler.segment({ type: 'start', id: 1, startSample: 0 });
    h.scheduler.segment({ type: 'pause', id: 1, startSample: 0, endSample: 32000 });
    await h.finishDecode();
    h.scheduler.segment({ type: 'end', id: 1, startSample: 0, endSample: 48000, reason: 'silence' });
    await h.finishDecode();
    await h.scheduler.idle();
    h.scheduler.stop();
    expect(h.requests.map((r) => r.endSample)).toEqual([32000, 48000]);
    expect(h.emitted.map((r) => r.text)).toEqual(['0-48000']);
  });

  it('ignores a pause for a segment that is not open', async () => {
    const h = harness();
    h.scheduler.start();
    h.scheduler.segment({ type: 'pause', id: 7, startSample: 0, endSample: 32000 });
    await h.settle();
    h.scheduler.stop();
    expect(h.requests).toEqual([]);
  });
});

describe('what the live text showed', () => {
  it('travels with the final request, so the final can be checked against it', async () => {
    vi.useRealTimers();
    const requests: TranscribeRequest[] = [];
    let written = 0;
    const scheduler = new TranscriptionScheduler(
      {
        now: () => Date.now(),
        writePosition: () => written,
        transcribe: async (request) => {
          requests.push(request);
          return {
            text: request.kind === 'partial' ? 'See you on' : '',
            inferenceMs: 1,
            lostSamples: 0,
            aborted: false,
          };
        },
        emit: () => {},
      },
      { minIntervalMs: 1, maxIntervalMs: 5, costFactor: 1, minNewSamples: 100, minPartialSamples: 100 },
    );
    scheduler.start();
    scheduler.segment({ type: 'start', id: 1, startSample: 0 });
    written = 16_000;
    await new Promise((resolve) => setTimeout(resolve, 100));
    scheduler.segment({ type: 'end', id: 1, startSample: 0, endSample: 16_000, reason: 'silence' });
    await scheduler.idle();
    scheduler.stop();
    const final = requests.find((r) => r.kind === 'final');
    expect(requests.some((r) => r.kind === 'partial')).toBe(true);
    expect(final?.shownText).toBe('See you on');
  });
});
