import { SAMPLE_RATE } from '../shared/types';
import { frameRmsLevels } from './levels';

/**
 * Where a decode of a segment's audio begins and ends, tied to the speech
 * itself rather than to the voice detector's frames.
 *
 * The segmenter works in 512-sample frames counted from wherever the
 * microphone started, so the same sentence gets edges up to 32 ms apart from
 * one dictation to the next, and a replaced detector finds edges of its own.
 * Moonshine tiny reads the same speech differently when its edges move that
 * much: played through the app's chain at 16 microphone start offsets,
 * "The new desks arrived this afternoon and they are much more comfortable"
 * read five ways. Cut at a fixed distance from the first and last loud
 * sample instead, it read one way at 32, and the fault tests' recording read
 * every word the same at 48 (scripts/check-steady-fixture.ts).
 *
 * Pure: no DOM, no worker globals.
 */
export interface AnchorOptions {
  sampleRate: number;
  /** Audio kept before the first loud sample (soft onsets: "f", "h", "s"). */
  leadMs: number;
  /** Audio kept after the last loud sample (trailing consonants). */
  trailMs: number;
  /** A sample is loud from this share of the loudest sample's magnitude on… */
  relativeLevel: number;
  /** …and only above this many times the quietest 10 ms's RMS, so a noisy room trims nothing it cannot tell from speech. */
  overNoise: number;
}

export const DEFAULT_ANCHOR: AnchorOptions = {
  sampleRate: SAMPLE_RATE,
  // Inside the segmenter's pre-roll (400 ms) and post-pad (160 ms) plus what
  // the detector's onset and release add, so the cut rarely meets an edge.
  leadMs: 240,
  trailMs: 160,
  relativeLevel: 0.05,
  overNoise: 6,
};

const NOISE_WINDOW_MS = 10;

/**
 * The range [start, end) of `audio` to decode: `leadMs` before its first loud
 * sample to `trailMs` after its last, clipped to the audio. The whole audio
 * when nothing stands out (silence, or speech no louder than the noise).
 */
export function anchorToSpeech(
  audio: Float32Array,
  options: Partial<AnchorOptions> = {},
): { start: number; end: number } {
  const o = { ...DEFAULT_ANCHOR, ...options };
  const whole = { start: 0, end: audio.length };
  let peak = 0;
  for (let i = 0; i < audio.length; i++) peak = Math.max(peak, Math.abs(audio[i] as number));
  const threshold = Math.max(peak * o.relativeLevel, quietestRms(audio, o.sampleRate) * o.overNoise);
  if (peak === 0 || peak <= threshold) return whole;
  let first = 0;
  while (Math.abs(audio[first] as number) < threshold) first++;
  let last = audio.length - 1;
  while (Math.abs(audio[last] as number) < threshold) last--;
  const ms = (n: number) => Math.round((n * o.sampleRate) / 1000);
  return { start: Math.max(0, first - ms(o.leadMs)), end: Math.min(audio.length, last + 1 + ms(o.trailMs)) };
}

/** RMS of the quietest whole 10 ms window: the noise floor (0 for digital silence). */
function quietestRms(audio: Float32Array, sampleRate: number): number {
  const levels = frameRmsLevels(audio, Math.round((NOISE_WINDOW_MS * sampleRate) / 1000));
  return levels.length === 0 ? 0 : levels.reduce((min, level) => Math.min(min, level), Number.POSITIVE_INFINITY);
}
