/**
 * Signal levels shared by the voice detector (per-frame level for the
 * segmenter's level release and its split points), the final guard (quiet
 * runs inside a segment) and the speech-anchored cut (the noise floor).
 * Pure: no DOM, no worker globals.
 */

/** Root mean square of `frame` (0 when it is empty). */
export function frameRms(frame: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) {
    const v = frame[i] as number;
    sum += v * v;
  }
  return Math.sqrt(sum / Math.max(1, frame.length));
}

/** The RMS of each whole `frameSamples` window of `audio`, in order; a shorter last window is left out. */
export function frameRmsLevels(audio: Float32Array, frameSamples: number): Float32Array {
  const levels = new Float32Array(Math.floor(audio.length / frameSamples));
  for (let f = 0; f < levels.length; f++) {
    levels[f] = frameRms(audio.subarray(f * frameSamples, (f + 1) * frameSamples));
  }
  return levels;
}
