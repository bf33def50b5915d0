/// <reference lib="webworker" />

/** What every supervised worker answers, besides its own API. */
export interface SupervisedApi {
  /** Heartbeat. */
  ping(): number;
  /**
   * Takes the named Web Lock and keeps it until this worker dies. The browser
   * releases it when the worker closes or is torn down, which is how the page
   * learns of a death no event reports. Resolves false when Web Locks are missing.
   */
  holdLifeLock(name: string): Promise<boolean>;
}

export function holdLifeLock(name: string): Promise<boolean> {
  if (!navigator.locks) return Promise.resolve(false);
  return new Promise((held) => {
    void navigator.locks.request(name, () => {
      held(true);
      return new Promise<never>(() => {});
    });
  });
}
