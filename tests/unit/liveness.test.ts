import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HangDetector, RestartPolicy, RunningClock, STOP_BASE_MS, stopBudgetMs } from '../../src/engine/liveness';

const options = { intervalMs: 500, hangMs: 4000 };

/** Ticks every `step` ms from `from` to `to`; returns the first verdict that is not 'wait' after the ping. */
function run(detector: HangDetector, ticks: number[], progress: (t: number) => number = () => 0): string[] {
  return ticks.map((t) => detector.tick(t, progress(t)));
}

describe('RunningClock', () => {
  it('counts the time between regular ticks in full', () => {
    const clock = new RunningClock(250);
    clock.restart(1000);
    let ran = 0;
    for (let t = 1250; t <= 3000; t += 250) ran = clock.tick(t);
    expect(ran).toBe(2000);
  });

  it('counts at most two intervals of a gap (a frozen or stalled page), and nothing before a known tick', () => {
    const clock = new RunningClock(250);
    clock.restart(0);
    expect(clock.tick(10_000)).toBe(500);
    clock.restart(null);
    expect(clock.tick(20_000)).toBe(0);
    expect(clock.tick(20_250)).toBe(250);
  });

  it('never counts more than the wall time, nor more than two intervals per tick', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 50 }), (gaps) => {
        const clock = new RunningClock(250);
        clock.restart(0);
        let now = 0;
        let ran = 0;
        for (const gap of gaps) {
          now += gap;
          ran = clock.tick(now);
        }
        expect(ran).toBeLessThanOrEqual(now);
        expect(ran).toBeLessThanOrEqual(2 * 250 * gaps.length);
      }),
    );
  });
});

describe('HangDetector', () => {
  it('pings when none is outstanding, and calls a worker hung after hangMs of running time', () => {
    const d = new HangDetector(options);
    const ticks = Array.from({ length: 10 }, (_, i) => i * 500);
    const verdicts = run(d, ticks);
    expect(verdicts[0]).toBe('ping');
    expect(verdicts.slice(1, 8)).toEqual(Array(7).fill('wait'));
    expect(verdicts[8]).toBe('hung'); // 8 × 500 ms = 4 s unanswered
  });

  it('an answered ping starts over', () => {
    const d = new HangDetector(options);
    for (let t = 0; t < 60_000; t += 500) {
      const verdict = d.tick(t, 0);
      expect(verdict).not.toBe('hung');
      if (verdict === 'ping') d.answered();
    }
  });

  it('a frozen page or a stalled main thread is not counted against the worker', () => {
    const d = new HangDetector(options);
    expect(d.tick(0, 0)).toBe('ping');
    // The page froze for 8 s, then a 2.5 s stall, with the answer unread throughout.
    expect(d.tick(8000, 0)).toBe('wait');
    expect(d.tick(10_500, 0)).toBe('wait');
    d.answered();
    expect(d.tick(11_000, 0)).toBe('ping');
  });

  it('any long gaps between ticks still add up to at most two intervals each', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1001, max: 60_000 }), { minLength: 1, maxLength: 3 }), (gaps) => {
        const d = new HangDetector(options);
        let t = 0;
        d.tick(t, 0);
        const verdicts = gaps.map((g) => {
          t += g;
          return d.tick(t, 0);
        });
        // Three long gaps count as 3 × 1 s < 4 s.
        expect(verdicts.every((v) => v === 'wait')).toBe(true);
      }),
    );
  });

  it('a busy worker that shows progress is never called hung, however long its answer takes', () => {
    const d = new HangDetector(options);
    let progress = 0;
    for (let t = 0; t < 30_000; t += 500) {
      progress++;
      expect(d.tick(t, progress)).not.toBe('hung');
    }
    // Progress stops: hung 4 s later.
    const verdicts = run(
      d,
      Array.from({ length: 8 }, (_, i) => 30_000 + i * 500),
      () => progress,
    );
    expect(verdicts.at(-1)).toBe('hung');
    expect(verdicts.slice(0, -1)).not.toContain('hung');
  });

  it('after the page resumes, the wait starts over', () => {
    const d = new HangDetector(options);
    d.tick(0, 0);
    for (let t = 500; t <= 3000; t += 500) d.tick(t, 0);
    d.pageResumed();
    const verdicts = run(
      d,
      Array.from({ length: 8 }, (_, i) => 3500 + i * 500),
    );
    expect(verdicts).not.toContain('hung');
  });
});

describe('RestartPolicy', () => {
  it('restarts at once the first time, then backs off, then gives up', () => {
    const policy = new RestartPolicy({ maxDeaths: 4, windowMs: 60_000, baseDelayMs: 250, maxDelayMs: 4000 });
    expect(policy.onDeath(0)).toBe(0);
    expect(policy.onDeath(1000)).toBe(250);
    expect(policy.onDeath(2000)).toBe(500);
    expect(policy.onDeath(3000)).toBe(1000);
    expect(policy.onDeath(4000)).toBeNull();
  });

  it('deaths far apart never add up to giving up', () => {
    const policy = new RestartPolicy({ maxDeaths: 4, windowMs: 60_000, baseDelayMs: 250, maxDelayMs: 4000 });
    for (let i = 0; i < 50; i++) expect(policy.onDeath(i * 61_000)).toBe(0);
  });

  it('a healthy stretch between deaths does not reset the count: a crash loop with good starts still ends', () => {
    const policy = new RestartPolicy({ maxDeaths: 4, windowMs: 60_000, baseDelayMs: 250, maxDelayMs: 4000 });
    const verdicts = [0, 5000, 10_000, 15_000, 20_000].map((t) => policy.onDeath(t));
    expect(verdicts.at(-1)).toBeNull();
    policy.reset();
    expect(policy.onDeath(21_000)).toBe(0);
  });
});

describe('stopBudgetMs', () => {
  it('allows a few seconds, plus three times the expected decode time of what is owed', () => {
    expect(stopBudgetMs(0, 0.05)).toBe(STOP_BASE_MS);
    expect(stopBudgetMs(10_000, 0.05)).toBe(STOP_BASE_MS + 1500);
    // A software GPU decoding at 4× real time gets the time its final needs.
    expect(stopBudgetMs(2_000, 4)).toBe(STOP_BASE_MS + 24_000);
    // Nothing timed yet: a cautious default, never NaN.
    expect(stopBudgetMs(10_000, null)).toBe(STOP_BASE_MS + 3000);
    expect(stopBudgetMs(10_000, Number.NaN)).toBe(STOP_BASE_MS + 3000);
  });
});
