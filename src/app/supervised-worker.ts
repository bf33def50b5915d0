import * as Comlink from 'comlink';
import { DEFAULT_HANG, HangDetector } from '../engine/liveness';
import type { WorkerId } from '../shared/types';
import type { SupervisedApi } from '../workers/life-lock';

/** A call that was in flight when its worker failed; the caller retries on the replacement. */
export class WorkerDiedError extends Error {
  override name = 'WorkerDiedError';
}

/** Unique per page, so two tabs' lock names never meet. */
const PAGE_TOKEN = crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;

/**
 * One long-lived worker and the watch kept on it:
 *  - its `error` and `messageerror` events;
 *  - a Web Lock the worker holds for its whole life: the browser releases it
 *    the moment the worker closes itself or is torn down, which no event on
 *    this side would tell;
 *  - a heartbeat for a worker that hangs, counting only time during which the
 *    page itself was running, and accepting progress counters as a sign of life.
 * Any of these calls `onFailure` once; replacing the worker is the owner's job.
 */
export class SupervisedWorker<Api extends SupervisedApi> {
  private worker: Worker | null = null;
  private remoteApi: Comlink.Remote<Api> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private lifeWatch: AbortController | null = null;
  private hang = new HangDetector();
  private failed = false;
  private readonly onDeath = new Set<(reason: string) => void>();
  /** Bumped by every spawn: callbacks from an older worker can tell they are stale. */
  generation = 0;
  /** Times this worker was replaced after a failure. */
  restarts = 0;

  constructor(
    readonly id: WorkerId,
    private readonly create: () => Worker,
    private readonly onFailure: (worker: SupervisedWorker<Api>, reason: string) => void,
    /** A counter the worker bumps while busy (shared memory), or a constant when there is none. */
    private readonly progress: () => number = () => 0,
  ) {
    const resumed = () => this.hang.pageResumed();
    document.addEventListener('resume', resumed);
    document.addEventListener('visibilitychange', resumed);
  }

  get running(): boolean {
    return this.remoteApi !== null && !this.failed;
  }

  /** True while `generation` is the live, healthy worker. */
  isCurrent(generation: number): boolean {
    return generation === this.generation && this.running;
  }

  /**
   * Calls the worker, rejecting with WorkerDiedError if it fails meanwhile
   * (a call to a dead worker would otherwise never settle). `fn` runs
   * synchronously, so calls made one after another reach the worker in order.
   */
  call<T>(fn: (remote: Comlink.Remote<Api>) => Promise<T>): Promise<T> {
    if (this.failed || !this.remoteApi)
      return Promise.reject(new WorkerDiedError(`The ${this.id} worker is not running`));
    const remote = this.remoteApi;
    return new Promise<T>((resolve, reject) => {
      const died = (reason: string) => reject(new WorkerDiedError(`The ${this.id} worker failed: ${reason}`));
      this.onDeath.add(died);
      fn(remote)
        .then(resolve, reject)
        .finally(() => this.onDeath.delete(died));
    });
  }

  spawn(): void {
    this.terminate();
    this.failed = false;
    this.generation++;
    const worker = this.create();
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.fail(event.message || 'it stopped with an error');
    });
    worker.addEventListener('messageerror', () => this.fail('it sent a message that could not be read'));
    this.worker = worker;
    this.remoteApi = Comlink.wrap<Api>(worker);
    this.watchLife();
  }

  /** The worker takes a lock and holds it until it dies; our request for the same lock is granted then. */
  private watchLife(): void {
    if (!navigator.locks) return; // no Web Locks (insecure context): the heartbeat still notices, later
    const name = `utter-${this.id}-${PAGE_TOKEN}-${this.generation}`;
    const generation = this.generation;
    const watch = new AbortController();
    this.lifeWatch = watch;
    void this.call((r) => r.holdLifeLock(name))
      .then((held) => {
        if (!held || watch.signal.aborted) return;
        return navigator.locks.request(name, { signal: watch.signal }, () => {
          if (generation === this.generation && !watch.signal.aborted) this.fail('it closed');
        });
      })
      .catch(() => {});
  }

  /**
   * Starts pinging; `onBeat` receives each answer (e.g. the VAD's read
   * position). `hangMs` is how long an answer may take: longer while a model
   * loads, when one synchronous step can hold the worker for seconds on a slow device.
   */
  watch(
    ping: (remote: Comlink.Remote<Api>) => Promise<number>,
    onBeat?: (value: number) => void,
    hangMs = DEFAULT_HANG.hangMs,
  ): void {
    this.stopWatching();
    this.hang = new HangDetector({ ...DEFAULT_HANG, hangMs });
    const generation = this.generation;
    this.heartbeat = setInterval(() => {
      const remote = this.remoteApi;
      if (!remote || generation !== this.generation) return;
      const verdict = this.hang.tick(performance.now(), this.progress());
      if (verdict === 'hung') {
        this.fail(`it stopped responding for over ${hangMs / 1000} s`);
      } else if (verdict === 'ping') {
        ping(remote)
          .then((value) => {
            if (generation !== this.generation) return;
            this.hang.answered();
            onBeat?.(value);
          })
          .catch(() => {});
      }
    }, DEFAULT_HANG.intervalMs);
  }

  stopWatching(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.stopWatching();
    for (const died of this.onDeath) died(reason);
    this.onDeath.clear();
    this.onFailure(this, reason);
  }

  /** Ends the worker; calls still in flight reject (WorkerDiedError), so nothing waits on it forever. */
  terminate(): void {
    for (const died of this.onDeath) died('it was stopped');
    this.onDeath.clear();
    this.stopWatching();
    this.lifeWatch?.abort();
    this.lifeWatch = null;
    this.worker?.terminate();
    this.worker = null;
    this.remoteApi = null;
  }
}
