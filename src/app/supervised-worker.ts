import * as Comlink from 'comlink';

export type WorkerLabel = 'voice detector' | 'speech recogniser';

/** A call that was in flight when its worker failed; the caller retries on the replacement. */
export class WorkerDiedError extends Error {
  override name = 'WorkerDiedError';
}

/** How often a worker is asked whether it is alive, and how long it may take to answer. */
const HEARTBEAT_MS = 400;
const HANG_MS = 1600;

/**
 * One long-lived worker and the watch kept on it: its `error` and
 * `messageerror` events, and a heartbeat that notices a worker that hangs, ran
 * out of memory or closed itself (none of which raise an event on this side).
 * Any of these calls `onFailure` once; replacing the worker is the owner's job.
 */
export class SupervisedWorker<Api> {
  private worker: Worker | null = null;
  private remoteApi: Comlink.Remote<Api> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private failed = false;
  private readonly onDeath = new Set<(reason: string) => void>();
  /** Times this worker was replaced after a failure. */
  restarts = 0;

  constructor(
    readonly label: WorkerLabel,
    private readonly create: () => Worker,
    private readonly onFailure: (worker: SupervisedWorker<Api>, reason: string) => void,
  ) {}

  get remote(): Comlink.Remote<Api> {
    if (!this.remoteApi) throw new Error(`The ${this.label} is not running`);
    return this.remoteApi;
  }

  /**
   * Calls the worker, rejecting with WorkerDiedError if it fails meanwhile
   * (a call to a dead worker would otherwise never settle).
   */
  call<T>(fn: (remote: Comlink.Remote<Api>) => Promise<T>): Promise<T> {
    if (this.failed || !this.remoteApi) return Promise.reject(new WorkerDiedError(`The ${this.label} is not running`));
    const remote = this.remoteApi;
    return new Promise<T>((resolve, reject) => {
      const died = (reason: string) => reject(new WorkerDiedError(`The ${this.label} failed: ${reason}`));
      this.onDeath.add(died);
      fn(remote)
        .then(resolve, reject)
        .finally(() => this.onDeath.delete(died));
    });
  }

  /** For tests and diagnostics: the underlying Worker, if running. */
  get current(): Worker | null {
    return this.worker;
  }

  spawn(): void {
    this.terminate();
    this.failed = false;
    const worker = this.create();
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.fail(event.message || 'it stopped with an error');
    });
    worker.addEventListener('messageerror', () => this.fail('it sent a message that could not be read'));
    this.worker = worker;
    this.remoteApi = Comlink.wrap<Api>(worker);
  }

  /** Starts pinging; `onBeat` receives each answer (e.g. the VAD's read position). */
  watch(ping: (remote: Comlink.Remote<Api>) => Promise<number>, onBeat?: (value: number) => void): void {
    this.stopWatching();
    let lastAnswer = performance.now();
    let waiting = false;
    this.heartbeat = setInterval(() => {
      if (performance.now() - lastAnswer > HANG_MS) {
        this.fail(`it stopped responding for over ${(HANG_MS / 1000).toFixed(1)} s`);
        return;
      }
      if (waiting || !this.remoteApi) return;
      waiting = true;
      ping(this.remoteApi)
        .then((value) => {
          lastAnswer = performance.now();
          onBeat?.(value);
        })
        .catch(() => {})
        .finally(() => {
          waiting = false;
        });
    }, HEARTBEAT_MS);
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

  terminate(): void {
    this.stopWatching();
    this.worker?.terminate();
    this.worker = null;
    this.remoteApi = null;
  }
}
