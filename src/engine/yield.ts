/**
 * Lets queued messages (heartbeats, cancellations, new segments) run in the
 * middle of a long chain of model calls. Awaiting onnxruntime's promises only
 * yields to microtasks, so without this a worker decoding a long file looks
 * hung. A MessageChannel round trip is a macrotask without setTimeout's 4 ms
 * clamp.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Returns a function that yields only when `intervalMs` have passed since it last did. */
export function periodicYield(intervalMs = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < intervalMs) return;
    await yieldToEventLoop();
    last = performance.now();
  };
}
