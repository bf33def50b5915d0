/**
 * When is a silent worker dead, and when should a dead one be replaced?
 * Pure: the supervisor on the main thread feeds it clock readings, so tests
 * can drive frozen pages, stalls and crash loops with plain numbers.
 */

export interface HangOptions {
  /** How often the supervisor ticks (and pings when no ping is outstanding). */
  intervalMs: number;
  /** Page-running time a ping may go unanswered, with no progress, before the worker counts as hung. */
  hangMs: number;
}

export const DEFAULT_HANG: HangOptions = { intervalMs: 500, hangMs: 4000 };

export type HangVerdict = 'ping' | 'wait' | 'hung';

/**
 * Time during which the page itself was running, read from the ticks of a
 * timer meant to fire every `intervalMs`. A tick that comes long after the one
 * before means the page was frozen, throttled, asleep or its main thread was
 * stalled; at most two intervals of such a gap count. Every wait the main
 * thread puts a limit on (a worker's answer, a model load, Stop's last
 * finals) is measured with it, so no pause of the page is blamed on the work.
 */
export class RunningClock {
  private lastTick: number | null = null;
  private elapsed = 0;

  constructor(private readonly intervalMs: number) {}

  /** Records a tick at `now`; returns the running time counted since the last restart. */
  tick(now: number): number {
    if (this.lastTick !== null) this.elapsed += Math.min(Math.max(0, now - this.lastTick), 2 * this.intervalMs);
    this.lastTick = now;
    return this.elapsed;
  }

  /** Counts from zero again: from `now`, or from the next tick when the time of the last one says nothing. */
  restart(now: number | null): void {
    this.elapsed = 0;
    this.lastTick = now;
  }
}

/**
 * Decides from heartbeat ticks whether a worker hangs. Only time during which
 * the page itself was running counts (`RunningClock`): the worker cannot be
 * blamed for an answer the page was not running to read. A worker that shows
 * progress (a counter it bumps while busy) is alive even when a long model
 * call delays its answer.
 */
export class HangDetector {
  private outstanding = false;
  private progressMark = 0;
  private readonly waited: RunningClock;

  constructor(private readonly options: HangOptions = DEFAULT_HANG) {
    this.waited = new RunningClock(options.intervalMs);
  }

  tick(now: number, progress: number): HangVerdict {
    if (!this.outstanding) {
      this.outstanding = true;
      this.progressMark = progress;
      this.waited.restart(now);
      return 'ping';
    }
    if (progress !== this.progressMark) {
      this.progressMark = progress;
      this.waited.restart(now);
      return 'wait';
    }
    return this.waited.tick(now) >= this.options.hangMs ? 'hung' : 'wait';
  }

  answered(): void {
    this.outstanding = false;
  }

  /** The page was frozen or hidden: nothing seen across that pause is evidence. */
  pageResumed(): void {
    this.waited.restart(null);
  }
}

export interface RestartOptions {
  /** More deaths than this within `windowMs` and the worker is given up on. */
  maxDeaths: number;
  windowMs: number;
  /** The first restart is immediate; later ones within the window wait this, doubling. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART: RestartOptions = { maxDeaths: 4, windowMs: 60_000, baseDelayMs: 250, maxDelayMs: 4000 };

/**
 * Backs off restarts of a worker that keeps dying, and gives up on one that
 * dies too often, whether it dies while starting or after a good start: a
 * crash loop must end in a message, not spin forever.
 */
export class RestartPolicy {
  private deaths: number[] = [];

  constructor(private readonly options: RestartOptions = DEFAULT_RESTART) {}

  /** Records a death (or a failed start) at `now`: the delay before the next start, or null to give up. */
  onDeath(now: number): number | null {
    const o = this.options;
    this.deaths = this.deaths.filter((t) => now - t < o.windowMs);
    this.deaths.push(now);
    const n = this.deaths.length;
    if (n > o.maxDeaths) return null;
    return n === 1 ? 0 : Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (n - 2));
  }

  /** Deaths still inside the window at `now`. */
  recentDeaths(now: number): number {
    return this.deaths.filter((t) => now - t < this.options.windowMs).length;
  }

  /** The person chose to try again: a fresh start. */
  reset(): void {
    this.deaths = [];
  }
}

/** Stop always allows this long for the last finals, whatever is owed. */
export const STOP_BASE_MS = 8000;
/** The real-time factor assumed before any decode was timed. */
const UNKNOWN_RTF = 0.1;

/**
 * How long Stop may wait for the last finals before marking what is left as
 * gaps: a few seconds, plus three times what decoding the owed audio should
 * take at the speed the model was last seen to run. A slow backend (a
 * software GPU, an old phone) gets the time its finals really need; a worker
 * that hangs is the supervisor's to notice and replace meanwhile.
 */
export function stopBudgetMs(owedAudioMs: number, realTimeFactor: number | null): number {
  const rtf =
    realTimeFactor !== null && Number.isFinite(realTimeFactor) && realTimeFactor > 0 ? realTimeFactor : UNKNOWN_RTF;
  return STOP_BASE_MS + 3 * rtf * Math.max(0, owedAudioMs);
}
