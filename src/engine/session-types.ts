/**
 * A dictation session as seen by exporters: committed segments on a
 * millisecond timeline plus the (possibly edited) transcript text.
 *
 * `CommittedSegment` in ./transcript.ts is the engine-side equivalent in
 * 16 kHz samples; convert with `ms = sample / 16`.
 */

export interface SessionSegment {
  id: number;
  text: string;
  /** Start of the segment, in milliseconds from the start of the session. */
  startMs: number;
  /** End of the segment, in milliseconds from the start of the session. */
  endMs: number;
  /** A span of audio lost to overrun, shown as a gap marker. */
  gap?: boolean;
}

export interface SessionExportInput {
  title: string;
  /** Epoch milliseconds. */
  createdAt: number;
  segments: readonly SessionSegment[];
  /** The (possibly edited) transcript. */
  text: string;
}
