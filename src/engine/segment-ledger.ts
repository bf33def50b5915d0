import { SAMPLE_RATE, type SegmentEvent } from '../shared/types';

type EndEvent = Extract<SegmentEvent, { type: 'end' }>;

/** A range of audio that will get no text. */
export interface OwedRange {
  id: number;
  startSample: number;
  endSample: number;
}

/** How far before its predecessor's last position a replaced voice detector re-reads, at most: 10 s (~0.2 s of Silero). */
export const VAD_RESUME_WINDOW_SAMPLES = 10 * SAMPLE_RATE;

/**
 * The main thread's record of every segment event it passed to the STT
 * worker, and of which segments have their final. Because the main thread is
 * the only way segment events reach the STT worker, this record is exact:
 *  - a replaced STT worker is given every segment still owed a final, and
 *    the open one, so no sentence is lost;
 *  - a replaced VAD worker resumes at the open segment (cancelled, and found
 *    again under a new id) or at the last ended one's end, never earlier, so
 *    no sentence is transcribed twice.
 * With nothing open, the next segment may already be pending in the voice
 * detector, or its start on its way to this thread; it begins no earlier
 * than the last segment's end (the segmenter's floor). So a speech worker
 * replaced owing nothing reads from that end (audio is cheap to copy), and a
 * replaced voice detector from there too, but at most VAD_RESUME_WINDOW_SAMPLES
 * before the position its predecessor last reported: what it re-reads it
 * must run Silero on, and audio older than its ring holds would count as
 * dropped. The detector's position alone is no bound: a pending segment
 * begins up to its pre-roll and onset (~2 s) before it, and the position is
 * reported apart from the events, so it can be ahead of them.
 * Events are idempotent: replays and late duplicates change nothing.
 */
export class SegmentLedger {
  private open: { id: number; startSample: number } | null = null;
  /** Ended segments without a final yet, in order. */
  private readonly owed = new Map<number, EndEvent>();
  /** Segments whose final (or gap) has arrived, or that were cancelled: never owed again. */
  private readonly settled = new Set<number>();
  private lastId = 0;
  /** End of the newest ended segment, or the dictation's first sample: no later segment may start before it. */
  private lastEnd = 0;

  record(event: SegmentEvent): void {
    // Hints to the STT, not changes of state: a replacement STT worker hears of the next
    // pause afresh (at worst one partial runs in a pause it missed).
    if (event.type === 'pause' || event.type === 'quiet') return;
    this.lastId = Math.max(this.lastId, event.id);
    if (event.type === 'start') {
      if (!this.settled.has(event.id) && !this.owed.has(event.id)) {
        this.open = { id: event.id, startSample: event.startSample };
      }
    } else if (event.type === 'end') {
      this.lastEnd = Math.max(this.lastEnd, event.endSample);
      if (this.open?.id === event.id) this.open = null;
      if (!this.settled.has(event.id)) this.owed.set(event.id, event);
    } else {
      this.settled.add(event.id);
      if (this.open?.id === event.id) this.open = null;
    }
  }

  /** A final or a gap arrived for `id`; one that arrives before its end is remembered, so the end owes nothing. */
  finalReceived(id: number): void {
    this.owed.delete(id);
    this.settled.add(id);
    if (this.open?.id === id) this.open = null;
  }

  /** Events a fresh STT worker needs to finish everything still owed, oldest first. */
  replay(): SegmentEvent[] {
    const events: SegmentEvent[] = [...this.owed.values()];
    if (this.open) events.push({ type: 'start', id: this.open.id, startSample: this.open.startSample });
    return events;
  }

  /** The oldest sample a fresh STT worker will read, or null when it owes nothing. */
  oldestNeeded(): number | null {
    const starts = [...this.owed.values()].map((e) => e.startSample);
    if (this.open) starts.push(this.open.startSample);
    return starts.length > 0 ? Math.min(...starts) : null;
  }

  /** Where a fresh STT worker should start reading: the oldest audio it owes a final, or the last end. */
  sttResumePoint(): number {
    return this.oldestNeeded() ?? this.lastEnd;
  }

  /**
   * Where a fresh VAD worker should start reading, the first id it may use,
   * the open segment to cancel (it is found again from its start), and the
   * floor before which it must not start a segment. `position`: where its
   * predecessor last said it had read to (a new dictation: its first sample).
   */
  vadResumePoint(position: number): {
    fromSample: number;
    firstId: number;
    cancel: number | null;
    floorSample: number;
  } {
    return {
      fromSample: this.open ? this.open.startSample : Math.max(this.lastEnd, position - VAD_RESUME_WINDOW_SAMPLES),
      firstId: this.lastId + 1,
      cancel: this.open?.id ?? null,
      floorSample: this.lastEnd,
    };
  }

  /** Samples of audio still owed a final; the open segment counts up to `openEnd`. */
  owedSamples(openEnd: number): number {
    let total = 0;
    for (const e of this.owed.values()) total += e.endSample - e.startSample;
    if (this.open) total += Math.max(0, openEnd - this.open.startSample);
    return total;
  }

  /** True when every segment that started has its final. */
  get settledAll(): boolean {
    return this.open === null && this.owed.size === 0;
  }

  get pendingFinals(): number {
    return this.owed.size;
  }

  /**
   * Gives up on everything still owed (Stop ran out of time, or a worker could
   * not be restarted): returns the ranges, oldest first, and marks them
   * settled. An open segment is closed at `openEnd`.
   */
  abandon(openEnd: number): OwedRange[] {
    const ranges: OwedRange[] = [...this.owed.values()].map((e) => ({
      id: e.id,
      startSample: e.startSample,
      endSample: e.endSample,
    }));
    if (this.open) {
      ranges.push({
        id: this.open.id,
        startSample: this.open.startSample,
        endSample: Math.max(openEnd, this.open.startSample),
      });
    }
    for (const range of ranges) this.settled.add(range.id);
    this.owed.clear();
    this.open = null;
    return ranges;
  }

  /** A new dictation, whose audio begins at `firstSample`: its segment ids are numbered afresh. */
  clear(firstSample: number): void {
    this.open = null;
    this.owed.clear();
    this.settled.clear();
    this.lastId = 0;
    this.lastEnd = firstSample;
  }
}
