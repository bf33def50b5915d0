import { SAMPLE_RATE, type DetectedSegmentEvent as SegmentEvent } from '../shared/types';

/**
 * Turns per-frame speech probabilities into speech segments addressed by
 * absolute sample index. Pure: tests drive it with arrays.
 *
 *   idle ──p ≥ start──▶ pending ──enough speech──▶ speaking ──hangover of silence──▶ idle
 *                         │                          │
 *                         └──silence──▶ idle         └──too long──▶ split at the quietest
 *                          (a click, not speech)                    recent frame, keep speaking
 *
 * "Silence" is a frame Silero scores below `endThreshold`, or one far quieter
 * than the loudest of the last few seconds (`releaseBelowLoudestDb`).
 */
export interface SegmenterOptions {
  sampleRate: number;
  frameSamples: number;
  /** A frame at or above this probability starts speech. */
  startThreshold: number;
  /** Speech continues while frames stay at or above this (hysteresis below `startThreshold`). */
  endThreshold: number;
  /** Speech shorter than this never becomes a segment. */
  minSpeechMs: number;
  /** Silence that ends a segment. Short, because it is pure latency before a final. */
  hangoverMs: number;
  /**
   * A frame this far below the loudest frame of the last `releaseWindowMs` is
   * silence whatever Silero says: it neither starts nor continues speech
   * (null: Silero alone decides).
   */
  releaseBelowLoudestDb: number | null;
  /** How far back that loudest frame is looked for. */
  releaseWindowMs: number;
  /** Audio kept before the first speech frame so soft onsets are not clipped. */
  preRollMs: number;
  /** Audio kept after the last speech frame (trailing consonants). */
  postPadMs: number;
  /** Longer speech is split so no single decode grows without bound. */
  maxSegmentMs: number;
  /** How far back from the limit to look for the quietest point to split at. */
  splitSearchMs: number;
}

export const DEFAULT_SEGMENTER_OPTIONS: SegmenterOptions = {
  sampleRate: SAMPLE_RATE,
  frameSamples: 512,
  startThreshold: 0.5,
  endThreshold: 0.35,
  minSpeechMs: 160,
  // 12 frames of silence, counted from the first quiet frame (the level
  // release below): long enough to hold a sentence across a hesitation, short
  // enough that a final arrives ~0.4 s after the speaker stops.
  hangoverMs: 384,
  // Silero's probability decays for 60–630 ms after the sound stops, and with
  // Silero alone the hangover only began after that tail: segments ended
  // 543 ms after the last loud sample (p50; p95 805). Released at 35 dB below
  // the loudest frame of the last 3 s, with this 384 ms hangover, they end
  // 407 ms after it (p95 474), with the same 202 segments and words on 2158
  // words of development speech (scripts/measure-release.ts). A pause put in
  // mid-sentence is bridged as often as with Silero alone up to 350 ms (16
  // and 12 of 16 at 250 and 350 ms, against 15 and 12), and no longer at
  // 450 ms (0 of 16, against 5). A 320 ms hangover bridged only 12 of 16 at
  // 250 ms, 352 ms 4 of 16 at 350 ms; 416 ms bridged no more than 384, and
  // 448 ms one more at 350 ms and at 450 ms.
  releaseBelowLoudestDb: 35,
  // Long enough to span a segment's end and Silero's tail after it, which
  // would otherwise start a segment of its own; short enough that a cough
  // does not silence the speech after it.
  releaseWindowMs: 3000,
  // More than soft onsets need: the decode is cut 240 ms before the first loud
  // sample (speech-anchor.ts), and the detector's onset comes after that
  // sample. With 400 ms the cut met the segment's start in 2 of 352 segments
  // (scripts/check-steady-fixture.ts on two fixtures, 32–48 start offsets).
  preRollMs: 400,
  // As long as the decode's cut after the last loud sample (160 ms,
  // speech-anchor.ts): with the release, the cut met the segment's end in 3
  // of 202 development segments (1 with 192 ms, 146 with 128), with the same
  // words. The decode during the hangover starts once this much silence is
  // in, so every frame less here is a frame sooner for the final.
  postPadMs: 160,
  // Moonshine is trained on utterances up to ~30 s and its decode time grows
  // with length; 20 s keeps finals quick without cutting normal sentences.
  maxSegmentMs: 20000,
  splitSearchMs: 5000,
};

export interface FrameRecord {
  /** Absolute index of the frame's first sample. */
  start: number;
  probability: number;
  /** RMS level, used to break ties between equally "unspeechy" frames. */
  rms: number;
}

type State = 'idle' | 'pending' | 'speaking';

export class Segmenter {
  private readonly o: SegmenterOptions;
  private readonly ms: (ms: number) => number;
  private state: State = 'idle';
  private nextId = 1;
  private id = 0;
  private segmentStart = 0;
  private speechFrames = 0;
  private silentFrames = 0;
  /** Absolute end of the newest frame that counted as speech. */
  private lastSpeechEnd = 0;
  /** No segment may start before this (the end of the previous one). */
  private floor = 0;
  private position = 0;
  /** Frames of the current segment, for choosing a split point. */
  private frames: FrameRecord[] = [];
  /** Levels of the newest frames, a ring covering `releaseWindowMs`. */
  private readonly recentLevels: Float64Array;
  private framesSeen = 0;

  /**
   * A replacement VAD continues the numbering of the one it replaces
   * (`firstId`), and starts no segment before `floorSample`, the end of the
   * last segment its predecessor ended: the pre-roll must not repeat words.
   */
  constructor(options: Partial<SegmenterOptions> = {}, firstId = 1, floorSample = 0) {
    this.o = { ...DEFAULT_SEGMENTER_OPTIONS, ...options };
    this.nextId = firstId;
    this.floor = floorSample;
    const perMs = this.o.sampleRate / 1000;
    this.ms = (ms) => Math.round(ms * perMs);
    this.recentLevels = new Float64Array(Math.max(1, Math.ceil(this.ms(this.o.releaseWindowMs) / this.o.frameSamples)));
  }

  get speaking(): boolean {
    return this.state === 'speaking';
  }

  /** The open segment's id while its hangover is being counted (silence since its last speech); else null. */
  get quietSegment(): number | null {
    return this.state === 'speaking' && this.silentFrames > 0 ? this.id : null;
  }

  /**
   * While speaking and silent for at least the post-pad: where the segment
   * will end if the silence lasts through the hangover (the same value the
   * 'end' event would carry). Null otherwise.
   */
  get tentativeEnd(): { id: number; startSample: number; endSample: number } | null {
    if (this.state !== 'speaking') return null;
    const endSample = this.lastSpeechEnd + this.ms(this.o.postPadMs);
    if (this.position < endSample || this.silentFrames === 0) return null;
    return { id: this.id, startSample: this.segmentStart, endSample };
  }

  /**
   * Feeds one frame that starts at absolute sample `start`. Frames must be
   * consecutive. Returns the events this frame caused, in order.
   */
  push(start: number, probability: number, rms = 0): SegmentEvent[] {
    const o = this.o;
    const end = start + o.frameSamples;
    this.position = end;
    const events: SegmentEvent[] = [];
    this.recentLevels[this.framesSeen++ % this.recentLevels.length] = rms;
    const quiet = this.quietByLevel(rms);
    const isStart = probability >= o.startThreshold && !quiet;
    const isSpeech = probability >= o.endThreshold && !quiet;

    switch (this.state) {
      case 'idle':
        if (isStart) {
          this.state = 'pending';
          this.segmentStart = Math.max(this.floor, start - this.ms(o.preRollMs));
          this.speechFrames = 1;
          this.silentFrames = 0;
          this.lastSpeechEnd = end;
          this.frames = [{ start, probability, rms }];
          this.confirmIfLongEnough(events);
        }
        break;
      case 'pending':
        this.frames.push({ start, probability, rms });
        if (isSpeech) {
          this.speechFrames++;
          this.silentFrames = 0;
          this.lastSpeechEnd = end;
          this.confirmIfLongEnough(events);
        } else if (++this.silentFrames * o.frameSamples >= this.ms(o.hangoverMs)) {
          this.state = 'idle'; // a click or a breath, not speech
          this.frames = [];
        }
        break;
      case 'speaking':
        this.frames.push({ start, probability, rms });
        if (isSpeech) {
          this.silentFrames = 0;
          this.lastSpeechEnd = end;
        } else if (++this.silentFrames * o.frameSamples >= this.ms(o.hangoverMs)) {
          this.finish(events, Math.min(end, this.lastSpeechEnd + this.ms(o.postPadMs)), 'silence');
          break;
        }
        if (end - this.segmentStart >= this.ms(o.maxSegmentMs)) this.split(events);
        break;
    }
    return events;
  }

  /**
   * Silero's probability stays high for 60–630 ms after the sound stops; a
   * segment waited for that tail before its hangover even began, and the tail
   * could start a segment of its own. A frame far below the loudest of the
   * last few seconds is silence already. In a room whose noise is within that
   * margin of the speech, nothing counts as quiet and Silero decides.
   */
  private quietByLevel(rms: number): boolean {
    const db = this.o.releaseBelowLoudestDb;
    if (db === null) return false;
    let loudest = 0;
    for (const level of this.recentLevels) loudest = Math.max(loudest, level);
    return loudest > 0 && rms <= loudest * 10 ** (-db / 20);
  }

  /** Ends any segment in progress at the current position (on Stop). */
  flush(): SegmentEvent[] {
    const events: SegmentEvent[] = [];
    if (this.state === 'speaking') {
      this.finish(events, Math.min(this.position, this.lastSpeechEnd + this.ms(this.o.postPadMs)), 'flush');
    }
    this.state = 'idle';
    this.frames = [];
    return events;
  }

  private confirmIfLongEnough(events: SegmentEvent[]): void {
    if (this.speechFrames * this.o.frameSamples < this.ms(this.o.minSpeechMs)) return;
    this.state = 'speaking';
    this.id = this.nextId++;
    events.push({ type: 'start', id: this.id, startSample: this.segmentStart });
  }

  private finish(events: SegmentEvent[], endSample: number, reason: 'silence' | 'split' | 'flush'): void {
    events.push({ type: 'end', id: this.id, startSample: this.segmentStart, endSample, reason });
    this.floor = endSample;
    this.state = 'idle';
    this.frames = [];
  }

  /**
   * Splits a segment that reached the length limit, at the best pause of the
   * recent past (see `chooseSplitFrame`), and carries on speaking.
   */
  private split(events: SegmentEvent[]): void {
    const o = this.o;
    const searchFrom = this.position - this.ms(o.splitSearchMs);
    // Leave at least a second on each side so neither piece is a fragment.
    const minSide = this.ms(1000);
    const candidates = this.frames.filter(
      (f) => f.start >= searchFrom && f.start - this.segmentStart >= minSide && this.position - f.start >= minSide,
    );
    const best = chooseSplitFrame(candidates);
    const at = best ? best.start + (o.frameSamples >> 1) : this.position;
    const carried = this.frames.filter((f) => f.start >= at);
    this.finish(events, at, 'split');
    // The speaker is still talking: the next segment starts where this one ended.
    this.state = 'speaking';
    this.id = this.nextId++;
    this.segmentStart = at;
    this.speechFrames = 0;
    // The new segment's speech so far ends no earlier than where it starts, so
    // a silence right after the split can never end it before its start.
    this.lastSpeechEnd = Math.max(this.lastSpeechEnd, at);
    this.frames = carried;
    events.push({ type: 'start', id: this.id, startSample: at });
  }
}

/** A frame this far below the loudest in the search window counts as a pause. */
const QUIET_BELOW_LOUDEST_DB = 30;

/**
 * Where to split speech that never paused long enough to end. Silero holds its
 * state through short pauses (gaps of 150 ms between sentences score 0.7–0.9,
 * measured on long.wav) and can score a frame inside a word lower than that,
 * so the level is the better guide: the middle of the longest run of frames
 * more than 30 dB below the loudest nearby is a real pause. Without such a run
 * (or without level information), the frame least likely to be speech.
 */
export function chooseSplitFrame(candidates: readonly FrameRecord[]): FrameRecord | undefined {
  if (candidates.length === 0) return undefined;
  const loudest = Math.max(...candidates.map((f) => f.rms));
  if (loudest > 0) {
    const quiet = loudest * 10 ** (-QUIET_BELOW_LOUDEST_DB / 20);
    let bestStart = -1;
    let bestLength = 0;
    let runStart = -1;
    for (let i = 0; i <= candidates.length; i++) {
      const isQuiet = i < candidates.length && (candidates[i]?.rms ?? Number.POSITIVE_INFINITY) <= quiet;
      if (isQuiet && runStart < 0) runStart = i;
      if (!isQuiet && runStart >= 0) {
        if (i - runStart >= bestLength) {
          bestLength = i - runStart;
          bestStart = runStart;
        }
        runStart = -1;
      }
    }
    if (bestLength > 0 && bestLength < candidates.length) return candidates[bestStart + (bestLength >> 1)];
  }
  let best: FrameRecord | undefined;
  for (const f of candidates) {
    if (!best || f.probability < best.probability || (f.probability === best.probability && f.rms < best.rms)) best = f;
  }
  return best;
}
