import type { SegmentEvent, TranscriptionResult } from '../shared/types';

/**
 * Decides what the STT worker decodes next. Finals come first, always; a
 * partial is only ever "the newest audio of the segment in progress", decided
 * when the model is free, so stale partial requests never pile up behind one
 * another, and a running partial is abandoned as soon as a final arrives.
 */
export interface TranscribeRequest {
  kind: 'partial' | 'final';
  segmentId: number;
  startSample: number;
  endSample: number;
  /** False once the request is no longer worth finishing. */
  shouldContinue: () => boolean;
  /** For a final: the newest live text shown for the segment, which the final must not silently drop. */
  shownText?: string;
}

export interface TranscribeOutcome {
  text: string;
  inferenceMs: number;
  lostSamples: number;
  aborted: boolean;
  /** The decode threw: its empty text says nothing about the audio. */
  failed?: boolean;
}

/** A final decode that throws is tried this many times in all before its segment is marked as a gap. */
export const FINAL_ATTEMPTS = 2;

export interface SchedulerDeps {
  now(): number;
  writePosition(): number;
  transcribe(request: TranscribeRequest): Promise<TranscribeOutcome>;
  emit(result: TranscriptionResult): void;
  /** Called when a partial decode was abandoned for a final. */
  onPartialAbandoned?(): void;
  /**
   * A decode threw. The loop carries on: a failed final is retried, then
   * emitted as a gap (never as empty text), so nothing waits for it forever.
   */
  onError?(error: unknown, request: TranscribeRequest): void;
}

export interface CadenceOptions {
  /** Partials at most this often, however fast the model. */
  minIntervalMs: number;
  /** …and at least this often while the speaker talks. */
  maxIntervalMs: number;
  /** Wait this many times the last partial's inference time before the next, keeping the model mostly idle for finals. */
  costFactor: number;
  /** New audio needed since the last partial before another is worth decoding. */
  minNewSamples: number;
  /** A partial needs at least this much audio to say anything. */
  minPartialSamples: number;
}

export const DEFAULT_CADENCE: CadenceOptions = {
  minIntervalMs: 200,
  maxIntervalMs: 1500,
  costFactor: 1.5,
  minNewSamples: 2400,
  minPartialSamples: 4800,
};

/** Delay before the next partial, adapting to how long the last one took. */
export function nextPartialDelay(lastInferenceMs: number, cadence: CadenceOptions = DEFAULT_CADENCE): number {
  return Math.min(cadence.maxIntervalMs, Math.max(cadence.minIntervalMs, lastInferenceMs * cadence.costFactor));
}

interface Final {
  id: number;
  start: number;
  end: number;
}

const rangeKey = (r: Final) => `${r.id}:${r.start}:${r.end}`;

export class TranscriptionScheduler {
  private readonly finals: Final[] = [];
  /** Ends already accepted: a replay after a worker restart can race the live event. */
  private readonly ended = new Set<number>();
  /** Segments that will never end (their VAD was replaced): a late 'start' must not reopen them. */
  private readonly cancelled = new Set<number>();
  private active: { id: number; start: number } | null = null;
  /** The newest non-empty partial emitted per segment, until its final. */
  private readonly shown = new Map<number, string>();
  /** The range the open segment will have if the current pause lasts: decoded early, during the hangover. */
  private speculative: Final | null = null;
  /**
   * The open segment, while its speaker is silent: no partial starts then. A
   * partial's encoder run cannot be stopped midway, and one started in the
   * silence would hold the model when the early decode of the pause (or the
   * final) wants it; that decode shows the same words soon after, as the
   * final or, if the speaker goes on, the next partial.
   */
  private quietSegment: number | null = null;
  /** The speculative decode's outcome, used when the segment's end confirms the same range. */
  private early: { key: string; outcome: TranscribeOutcome } | null = null;
  private nextPartialAt = 0;
  private lastPartialEnd = 0;
  private running = false;
  private wake: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly deps: SchedulerDeps,
    private readonly cadence: CadenceOptions = DEFAULT_CADENCE,
  ) {}

  segment(event: SegmentEvent): void {
    if (event.type === 'start') {
      // Replays and live events can overlap: a segment already ended or cancelled stays so.
      if (this.ended.has(event.id) || this.cancelled.has(event.id) || this.active?.id === event.id) return;
      this.active = { id: event.id, start: event.startSample };
      this.nextPartialAt = 0;
      this.lastPartialEnd = event.startSample;
    } else if (event.type === 'cancel') {
      this.cancelled.add(event.id);
      if (this.active?.id === event.id) this.active = null;
      if (this.speculative?.id === event.id) this.speculative = null;
    } else if (event.type === 'quiet') {
      if (this.active?.id !== event.id) return;
      this.quietSegment = event.quiet ? event.id : null;
    } else if (event.type === 'pause') {
      if (this.active?.id !== event.id) return;
      this.speculative = { id: event.id, start: event.startSample, end: event.endSample };
    } else {
      if (this.ended.has(event.id) || this.cancelled.has(event.id)) return;
      this.ended.add(event.id);
      this.finals.push({ id: event.id, start: event.startSample, end: event.endSample });
      if (this.active?.id === event.id) this.active = null;
    }
    this.poke();
  }

  /** Resolves once every final received so far has been emitted. */
  idle(): Promise<void> {
    if (this.finals.length === 0 && !this.busyWithFinal) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private busyWithFinal = false;

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.active = null;
    this.poke();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = () => resolve();
      if (Number.isFinite(ms)) {
        this.timer = setTimeout(() => this.poke(), Math.max(0, ms));
      }
    }).finally(() => {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
    });
  }

  private async loop(): Promise<void> {
    while (this.running || this.finals.length > 0) {
      const final = this.finals.shift();
      if (final) {
        this.busyWithFinal = true;
        try {
          await this.runFinal(final);
        } finally {
          this.busyWithFinal = false;
        }
        if (this.finals.length === 0) this.releaseIdleWaiters();
        continue;
      }
      const speculative = this.speculative;
      if (speculative) {
        this.speculative = null;
        await this.runSpeculative(speculative);
        continue;
      }
      const wait = this.partialWait();
      if (wait <= 0) {
        await this.runPartial();
        continue;
      }
      await this.sleep(wait);
    }
    this.releaseIdleWaiters();
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Milliseconds until a partial is due; Infinity when none is wanted. */
  private partialWait(): number {
    const active = this.active;
    if (!active || !this.running || this.quietSegment === active.id) return Number.POSITIVE_INFINITY;
    const written = this.deps.writePosition();
    if (written - active.start < this.cadence.minPartialSamples) return 40;
    if (written - this.lastPartialEnd < this.cadence.minNewSamples) return 40;
    return this.nextPartialAt - this.deps.now();
  }

  /** Runs one decode; a throw is reported and becomes a failed outcome. */
  private async attempt(request: TranscribeRequest): Promise<TranscribeOutcome> {
    try {
      return await this.deps.transcribe(request);
    } catch (error) {
      this.deps.onError?.(error, request);
      return { text: '', inferenceMs: 0, lostSamples: 0, aborted: false, failed: true };
    }
  }

  private async runSpeculative(range: Final): Promise<void> {
    const key = rangeKey(range);
    const outcome = await this.attempt({
      kind: 'final',
      segmentId: range.id,
      startSample: range.start,
      endSample: range.end,
      shownText: this.shown.get(range.id),
      // Worth finishing while the segment is still open or its end confirmed this very range; a newer
      // pause (the speaker went on, then paused again) makes it moot.
      shouldContinue: () =>
        this.speculative === null && (this.active?.id === range.id || this.finals.some((f) => rangeKey(f) === key)),
    });
    // A failed early decode is dropped: the final decodes the range itself.
    if (!outcome.aborted && !outcome.failed) this.early = { key, outcome };
  }

  private async runFinal(final: Final): Promise<void> {
    const early = this.early;
    this.early = null;
    let outcome: TranscribeOutcome | null = early && early.key === rangeKey(final) ? early.outcome : null;
    for (let attempt = 0; !outcome && attempt < FINAL_ATTEMPTS; attempt++) {
      const tried = await this.attempt({
        kind: 'final',
        segmentId: final.id,
        startSample: final.start,
        endSample: final.end,
        shownText: this.shown.get(final.id),
        shouldContinue: () => true,
      });
      if (!tried.failed) outcome = tried;
    }
    this.shown.delete(final.id);
    if (!outcome) {
      this.deps.emit({
        kind: 'gap',
        segmentId: final.id,
        text: '',
        startSample: final.start,
        endSample: final.end,
        inferenceMs: 0,
        lostSamples: 0,
      });
      return;
    }
    this.deps.emit({
      kind: 'final',
      segmentId: final.id,
      text: outcome.text,
      startSample: final.start,
      endSample: final.end,
      inferenceMs: outcome.inferenceMs,
      lostSamples: outcome.lostSamples,
    });
  }

  private async runPartial(): Promise<void> {
    const active = this.active;
    if (!active) return;
    const end = this.deps.writePosition();
    const outcome = await this.attempt({
      kind: 'partial',
      segmentId: active.id,
      startSample: active.start,
      endSample: end,
      // A final or an early final waiting, or the segment having ended, makes this partial stale.
      shouldContinue: () => this.finals.length === 0 && this.speculative === null && this.active?.id === active.id,
    });
    this.lastPartialEnd = end;
    this.nextPartialAt = this.deps.now() + nextPartialDelay(outcome.inferenceMs, this.cadence);
    if (outcome.aborted || outcome.failed) {
      if (outcome.aborted) this.deps.onPartialAbandoned?.();
      return;
    }
    if (this.active?.id !== active.id) return; // the segment ended meanwhile; its final follows
    if (outcome.text.trim()) this.shown.set(active.id, outcome.text);
    this.deps.emit({
      kind: 'partial',
      segmentId: active.id,
      text: outcome.text,
      startSample: active.start,
      endSample: end,
      inferenceMs: outcome.inferenceMs,
      lostSamples: outcome.lostSamples,
    });
  }
}
