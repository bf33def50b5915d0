import type { AudioRing } from '../audio/ring';
import { type PipelineStats, Stat } from '../shared/stats';
import type { SegmentEvent } from '../shared/types';
import { frameRms } from './levels';
import { Segmenter, type SegmenterOptions } from './segmenter';
import { type SileroVad, VAD_FRAME_SAMPLES } from './silero';

export interface VadStreamOptions {
  segmenter?: Partial<SegmenterOptions>;
  /** Absolute sample to start from (default: the newest audio). */
  fromSample?: number;
  /** First segment id (default 1). */
  firstId?: number;
  /** No segment starts before this sample: the dictation's first, or the end of the last segment already transcribed. */
  floorSample?: number;
  /**
   * Awaited before each frame. A file is read as fast as the model runs, so
   * its reader lets messages in (a cancel, a heartbeat) here, and may throw
   * to stop; live audio arrives a frame at a time and needs none.
   */
  beforeFrame?: () => Promise<void>;
}

/**
 * Reads the ring frame by frame from where dictation started, runs Silero on
 * each 512-sample frame and feeds the segmenter. Owns its read position; the
 * ring never waits for it. A file's speech is found the same way, from a
 * ring of its own (the VAD worker's segmentClip).
 */
export class VadStream {
  private readonly frame = new Float32Array(VAD_FRAME_SAMPLES);
  /** The last 'pause' announced, so each pause is announced once. */
  private announcedPause = '';
  /** The segment last said to be quiet, until it is said to speak again (or ends). */
  private quietSegment: number | null = null;
  private readonly segmenter: Segmenter;
  private readonly beforeFrame: (() => Promise<void>) | undefined;
  private position: number;
  private running: Promise<void> | null = null;

  constructor(
    private readonly ring: AudioRing,
    private readonly vad: SileroVad,
    private readonly stats: PipelineStats,
    private readonly onEvent: (event: SegmentEvent) => void,
    private readonly onSpeaking: (speaking: boolean) => void,
    options: VadStreamOptions = {},
  ) {
    this.segmenter = new Segmenter(options.segmenter, options.firstId, options.floorSample);
    this.beforeFrame = options.beforeFrame;
    // A replacement worker resumes where its predecessor left off. On the
    // MessagePort path its ring may still be empty here (the backlog is on its
    // way), so how much of that the ring holds is checked when reading.
    this.position = options.fromSample ?? ring.writePosition();
    vad.reset();
  }

  get readPosition(): number {
    return this.position;
  }

  /** Processes every whole frame written so far; a call during a pump joins it. */
  pump(): Promise<void> {
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const written = this.ring.writePosition();
      this.stats.set(Stat.VadLagSamples, written - this.position);
      if (written - this.position < VAD_FRAME_SAMPLES) return;
      const oldest = this.ring.oldestAvailable();
      if (this.position < oldest) {
        // Fell behind what the ring holds (e.g. the tab was frozen): skip to what is still there.
        this.stats.add(Stat.DroppedSamples, oldest - this.position);
        this.position = oldest;
      }
      await this.beforeFrame?.();
      await this.processFrame();
    }
  }

  private async processFrame(): Promise<void> {
    const { lost } = this.ring.read(this.position, this.frame);
    this.stats.add(Stat.VadProgress, 1);
    if (lost > 0) this.stats.add(Stat.DroppedSamples, lost);
    const t0 = performance.now();
    const probability = await this.vad.probability(this.frame);
    const micros = (performance.now() - t0) * 1000;
    const previous = this.stats.get(Stat.VadFrameMicros);
    this.stats.set(Stat.VadFrameMicros, previous === 0 ? micros : previous * 0.95 + micros * 0.05);
    const rms = frameRms(this.frame);
    this.stats.set(Stat.LevelCentiDb, Math.max(-100, 20 * Math.log10(rms + 1e-9)) * 100);

    const wasSpeaking = this.segmenter.speaking;
    for (const event of this.segmenter.push(this.position, probability, rms)) this.onEvent(event);
    const pause = this.segmenter.tentativeEnd;
    if (pause && `${pause.id}:${pause.endSample}` !== this.announcedPause) {
      this.announcedPause = `${pause.id}:${pause.endSample}`;
      this.onEvent({ type: 'pause', ...pause });
    }
    this.announceQuiet();
    this.position += VAD_FRAME_SAMPLES;
    if (this.segmenter.speaking !== wasSpeaking) {
      this.stats.set(Stat.Speaking, this.segmenter.speaking ? 1 : 0);
      this.onSpeaking(this.segmenter.speaking);
    }
  }

  /** Says when the open segment falls silent, and when it speaks again before its end. */
  private announceQuiet(): void {
    const quiet = this.segmenter.quietSegment;
    if (quiet === this.quietSegment) return;
    if (quiet !== null) this.onEvent({ type: 'quiet', id: quiet, quiet: true });
    else if (this.segmenter.speaking && this.quietSegment !== null) {
      this.onEvent({ type: 'quiet', id: this.quietSegment, quiet: false });
    }
    this.quietSegment = quiet;
  }

  /** Drains what is left and closes any open segment. */
  async finish(): Promise<void> {
    await this.pump();
    for (const event of this.segmenter.flush()) this.onEvent(event);
    this.stats.set(Stat.Speaking, 0);
    this.onSpeaking(false);
  }
}
