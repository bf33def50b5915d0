/** A wait that ran out (see `withinTime`). */
export class TimedOut extends Error {}

/**
 * `work`, or a `TimedOut` rejection saying `what` did not finish once `ms`
 * pass first. WebGPU may leave a promise pending for good and nothing can
 * cancel it, so a result that comes later goes to `discard`, and a failure
 * that comes later is ignored.
 */
export function withinTime<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  discard: (late: T) => unknown = () => {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new TimedOut(`${what} did not finish within ${ms / 1000} s`));
    }, ms);
    work.then(
      (value) => {
        if (late) void discard(value);
        else {
          clearTimeout(timer);
          resolve(value);
        }
      },
      (error: unknown) => {
        if (late) return;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
