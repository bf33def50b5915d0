import type { AudioChunk, AudioSourceHandle } from '../shared/types';
import { AudioRing } from './ring';

/**
 * A consumer's view of the capture: always an `AudioRing` addressed by
 * absolute sample index. On the shared path it is the worklet's own ring; on
 * the MessagePort path (page not cross-origin isolated) it is a private ring
 * filled from the chunks the worklet posts, so the reading code is the same.
 */
export interface AudioSource {
  ring: AudioRing;
  close(): void;
}

export function openAudioSource(handle: AudioSourceHandle, onGap?: (samples: number) => void): AudioSource {
  if (handle.kind === 'shared') {
    return { ring: new AudioRing(handle.ring), close: () => {} };
  }
  const ring = AudioRing.create(undefined, false);
  const port = handle.port;
  port.onmessage = (event: MessageEvent<AudioChunk>) => {
    const { start, samples } = event.data;
    if (ring.writePosition() === 0 && start > 0) ring.startAt(start);
    const expected = ring.writePosition();
    if (start > expected) {
      // The worklet no longer held that audio (a replacement asked for more
      // than its ring keeps): keep the timeline aligned by writing silence,
      // and report the span as lost.
      onGap?.(start - expected);
      ring.write(new Float32Array(Math.min(start - expected, ring.capacity)));
    }
    const overlap = Math.max(0, expected - start);
    if (overlap < samples.length) ring.write(samples, overlap);
  };
  return {
    ring,
    close: () => {
      port.onmessage = null;
      port.close();
    },
  };
}
