/** Where a {@link SaveQueue} writes: each call must start its write before it returns, in call order. */
export interface SaveTarget<T> {
  write(value: T): Promise<void>;
  remove(id: string): Promise<void>;
}

interface Pending<T> {
  value: T;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Keeps storage equal to what is on screen. Each record's newest state waits
 * here until it is written, now or after a quiet spell, so a delayed write
 * always carries the state at the time it is written, never the state at the
 * time it was asked for. Writes start in the order they are made (the target
 * keeps that order), so an older state can never land after a newer one, and
 * a removed record is never written again.
 */
export class SaveQueue<T extends { readonly id: string }> {
  private readonly pending = new Map<string, Pending<T>>();
  private readonly removed = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly target: SaveTarget<T>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Writes `value` now (with anything else pending for it). */
  save(value: T): void {
    if (this.stage(value)) this.write(value.id);
  }

  /** Writes `value` once no newer state has arrived for `delayMs` (typing), or sooner with any other write. */
  saveSoon(value: T, delayMs: number): void {
    if (!this.stage(value)) return;
    const entry = this.pending.get(value.id);
    if (!entry) return;
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.write(value.id), delayMs);
  }

  /** The newest state of `id` not yet written, if any. */
  peek(id: string): T | undefined {
    return this.pending.get(id)?.value;
  }

  /** Drops anything pending for `id`, then removes it from storage; later saves of it are ignored. */
  remove(id: string): Promise<void> {
    this.drop(id);
    this.removed.add(id);
    return this.track(this.target.remove(id), false);
  }

  /** Starts every pending write now; resolves once every write started so far has finished. */
  flush(): Promise<void> {
    for (const id of [...this.pending.keys()]) this.write(id);
    return Promise.all([...this.inFlight]).then(() => undefined);
  }

  private stage(value: T): boolean {
    if (this.removed.has(value.id)) return false;
    const entry = this.pending.get(value.id);
    if (entry) entry.value = value;
    else this.pending.set(value.id, { value, timer: null });
    return true;
  }

  private write(id: string): void {
    const entry = this.drop(id);
    if (entry) void this.track(this.target.write(entry.value), true);
  }

  private drop(id: string): Pending<T> | undefined {
    const entry = this.pending.get(id);
    if (entry?.timer != null) clearTimeout(entry.timer);
    this.pending.delete(id);
    return entry;
  }

  /** Remembers the write until it settles; save errors go to `onError`, a removal's to its caller. */
  private track(write: Promise<void>, report: boolean): Promise<void> {
    const settled = write.then(
      () => undefined,
      (error: unknown) => {
        if (report) this.onError(error);
      },
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return report ? settled : write;
  }
}
