/**
 * A rejected promise nobody awaited would otherwise vanish inside the worker.
 * Rethrowing it makes it the worker's `error` event, which the supervisor on
 * the main thread sees and acts on.
 */
export function surfaceUnhandledRejections(scope: { addEventListener: WorkerGlobalScope['addEventListener'] }): void {
  scope.addEventListener('unhandledrejection', (event) => {
    const reason = (event as PromiseRejectionEvent).reason;
    setTimeout(() => {
      throw reason instanceof Error ? reason : new Error(String(reason));
    });
  });
}
