import type { SegmentEvent } from '../shared/types';

/**
 * The main thread's record of which segments still owe a final. When the STT
 * worker is replaced, these are replayed to the new one so no words are lost;
 * when the VAD worker is replaced, the open segment is where it resumes.
 */
export class SegmentLedger {
  private open: { id: number; startSample: number } | null = null;
  /** Ended segments without a final yet, in order. */
  private readonly owed = new Map<number, Extract<SegmentEvent, { type: 'end' }>>();
  private lastId = 0;
  /** End of the newest ended segment: a replaced VAD need not look before it. */
  private lastEnd = 0;

  record(event: SegmentEvent): void {
    if (event.type === 'pause') return; // a hint to the STT, not a change of state
    this.lastId = Math.max(this.lastId, event.id);
    if (event.type === 'start') {
      this.open = { id: event.id, startSample: event.startSample };
    } else if (event.type === 'end') {
      this.owed.set(event.id, event);
      this.lastEnd = Math.max(this.lastEnd, event.endSample);
      if (this.open?.id === event.id) this.open = null;
    } else if (this.open?.id === event.id) {
      this.open = null;
    }
  }

  finalReceived(id: number): void {
    this.owed.delete(id);
  }

  /** Events a fresh STT worker needs to finish everything still owed, oldest first. */
  replay(): SegmentEvent[] {
    const events: SegmentEvent[] = [...this.owed.values()];
    if (this.open) events.push({ type: 'start', id: this.open.id, startSample: this.open.startSample });
    return events;
  }

  /** Where a fresh VAD worker should start reading, and the ids it must not reuse. */
  vadResumePoint(fallback: number): { fromSample: number; firstId: number; cancel: number | null } {
    return {
      fromSample: this.open ? this.open.startSample : Math.max(this.lastEnd, fallback),
      firstId: this.lastId + 1,
      cancel: this.open?.id ?? null,
    };
  }

  /** Called when the VAD's open segment is abandoned (the worker that owned it died). */
  cancelOpen(): void {
    this.open = null;
  }

  get pendingFinals(): number {
    return this.owed.size;
  }

  /** A new dictation: its samples and segment ids are numbered afresh. */
  clear(): void {
    this.open = null;
    this.owed.clear();
    this.lastId = 0;
    this.lastEnd = 0;
  }
}
