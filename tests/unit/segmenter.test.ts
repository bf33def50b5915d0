import { describe, expect, it } from 'vitest';
import {
  chooseSplitFrame,
  DEFAULT_SEGMENTER_OPTIONS,
  Segmenter,
  type SegmenterOptions,
} from '../../src/engine/segmenter';
import type { DetectedSegmentEvent as SegmentEvent } from '../../src/shared/types';

// 512-sample frames at 16 kHz: 32 ms each. With the defaults that makes
// preRoll 12.5 frames (400 ms), postPad 5, hangover 12, minSpeech 5 and maxSegment 625.
const FRAME = 512;
const PRE_ROLL = 6400;
const POST_PAD = 5 * FRAME;
const HANGOVER_FRAMES = 12;
const MIN_SPEECH_FRAMES = 5;
/** Far from zero and not a multiple of FRAME, so any relative/absolute mix-up shows. */
const OFFSET = 10_000_000;

const SPEECH = 0.9;
const SILENCE = 0.05;

type Recorded = SegmentEvent & { /** Index of the frame whose push() returned the event. */ frame: number };

/** Builds a probability sequence from [probability, frameCount] runs. */
function runs(...parts: [number, number][]): number[] {
  return parts.flatMap(([p, n]) => Array<number>(n).fill(p));
}

/** Feeds frame i at absolute sample `offset + i * FRAME`, recording which frame caused each event. */
function drive(seg: Segmenter, probs: readonly number[], offset = OFFSET, rms: readonly number[] = []): Recorded[] {
  const events: Recorded[] = [];
  probs.forEach((p, i) => {
    for (const e of seg.push(offset + i * FRAME, p, rms[i] ?? 0)) events.push({ ...e, frame: i });
  });
  return events;
}

const at = (frame: number, offset = OFFSET): number => offset + frame * FRAME;

describe('Segmenter: a clean utterance', () => {
  it('starts preRoll before the first speech frame and ends postPad after the last one, in absolute samples', () => {
    const seg = new Segmenter();
    // Speech in frames 20..49.
    const events = drive(seg, runs([SILENCE, 20], [SPEECH, 30], [SILENCE, 20]));
    expect(events).toEqual([
      { type: 'start', id: 1, startSample: at(20) - PRE_ROLL, frame: 20 + MIN_SPEECH_FRAMES - 1 },
      {
        type: 'end',
        id: 1,
        startSample: at(20) - PRE_ROLL,
        endSample: at(50) + POST_PAD,
        reason: 'silence',
        // The hangover'th silent frame ends it.
        frame: 50 + HANGOVER_FRAMES - 1,
      },
    ]);
    expect(seg.speaking).toBe(false);
  });

  it('clamps the pre-roll at sample 0', () => {
    const events = drive(new Segmenter(), runs([SILENCE, 3], [SPEECH, 10], [SILENCE, 20]), 0);
    expect(events[0]).toMatchObject({ type: 'start', startSample: 0 });
    expect(events[1]).toMatchObject({ type: 'end', startSample: 0, endSample: at(13, 0) + POST_PAD });
  });

  it("clamps the pre-roll at the previous segment's end so segments never overlap", () => {
    // First speech frames 0..19 end at frame 20 + postPad = frame 25; the end is
    // reported at frame 31. The second speech starts at frame 32, whose pre-roll
    // (frame 19.5) would reach back into the first segment.
    const events = drive(new Segmenter(), runs([SPEECH, 20], [SILENCE, HANGOVER_FRAMES], [SPEECH, 10], [SILENCE, 20]));
    const ends = events.filter((e) => e.type === 'end');
    const starts = events.filter((e) => e.type === 'start');
    expect(ends[0]).toMatchObject({ id: 1, endSample: at(25), frame: 31 });
    expect(starts[1]).toMatchObject({ id: 2, startSample: at(25) });
  });

  it('never ends past the frame being processed, even with a post-pad longer than the hangover', () => {
    const seg = new Segmenter({ postPadMs: 1000 });
    const events = drive(seg, runs([SILENCE, 5], [SPEECH, 10], [SILENCE, 30]));
    const end = events.find((e) => e.type === 'end');
    // Ended on frame 26 (15 + 12 − 1): the pad is cut at that frame's end, not 1 s later.
    expect(end).toMatchObject({ frame: 26, endSample: at(27) });
  });

  it("emits 'start' as soon as minSpeechMs of speech is seen, not when the speech ends", () => {
    const seg = new Segmenter();
    const probs = runs([SILENCE, 10], [SPEECH, 200]);
    probs.forEach((p, i) => {
      const events = seg.push(at(i), p);
      if (i === 10 + MIN_SPEECH_FRAMES - 1) {
        expect(events).toEqual([{ type: 'start', id: 1, startSample: at(10) - PRE_ROLL }]);
        expect(seg.speaking).toBe(true);
      } else {
        expect(events).toEqual([]);
        expect(seg.speaking).toBe(i >= 10 + MIN_SPEECH_FRAMES - 1);
      }
    });
  });
});

describe('Segmenter: thresholds and timing', () => {
  it('treats probabilities between the thresholds as continuing speech', () => {
    const seg = new Segmenter();
    // 0.4 sits between endThreshold (0.35) and startThreshold (0.5). The 30
    // middling frames are three hangovers long, so if they counted as silence
    // the segment would end inside them.
    const events = drive(seg, runs([SPEECH, 10], [0.4, 30], [SILENCE, 20]));
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
    expect(events[1]).toMatchObject({ endSample: at(40) + POST_PAD, reason: 'silence' });
  });

  it('does not start speech on probabilities between the thresholds', () => {
    expect(drive(new Segmenter(), runs([0.4, 200]))).toEqual([]);
    expect(drive(new Segmenter(), runs([0.499, 200]))).toEqual([]);
  });

  it('uses inclusive thresholds: exactly startThreshold starts, exactly endThreshold continues', () => {
    const o = DEFAULT_SEGMENTER_OPTIONS;
    const continued = drive(new Segmenter(), runs([o.startThreshold, 10], [o.endThreshold, 30], [SILENCE, 20]));
    expect(continued.map((e) => e.type)).toEqual(['start', 'end']);
    expect(continued[1]).toMatchObject({ endSample: at(40) + POST_PAD });

    // Just below endThreshold is silence: the end comes after the hangover.
    const ended = drive(new Segmenter(), runs([o.startThreshold, 10], [o.endThreshold - 0.001, 30]));
    expect(ended[1]).toMatchObject({ type: 'end', endSample: at(10) + POST_PAD, frame: 10 + HANGOVER_FRAMES - 1 });
  });

  it('ignores a single-frame click and any burst shorter than minSpeechMs', () => {
    expect(drive(new Segmenter(), runs([SILENCE, 20], [0.99, 1], [SILENCE, 50]))).toEqual([]);
    expect(drive(new Segmenter(), runs([SILENCE, 20], [0.99, MIN_SPEECH_FRAMES - 1], [SILENCE, 50]))).toEqual([]);
    // One more frame reaches minSpeechMs: the boundary is where the options say.
    const confirmed = drive(new Segmenter(), runs([SILENCE, 20], [0.99, MIN_SPEECH_FRAMES], [SILENCE, 50]));
    expect(confirmed.map((e) => e.type)).toEqual(['start', 'end']);
  });

  it('a click does not move the floor or the ids of the next real segment', () => {
    const events = drive(new Segmenter(), runs([SILENCE, 20], [0.99, 1], [SILENCE, 20], [SPEECH, 10], [SILENCE, 20]));
    expect(events[0]).toEqual({ type: 'start', id: 1, startSample: at(41) - PRE_ROLL, frame: 45 });
  });

  it('bridges a pause shorter than the hangover', () => {
    const events = drive(
      new Segmenter(),
      runs([SPEECH, 20], [SILENCE, HANGOVER_FRAMES - 1], [SPEECH, 20], [SILENCE, 20]),
    );
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
    expect(events[1]).toMatchObject({
      startSample: at(0) - PRE_ROLL,
      endSample: at(20 + HANGOVER_FRAMES - 1 + 20) + POST_PAD,
    });
  });

  it('splits on a pause as long as the hangover', () => {
    const events = drive(new Segmenter(), runs([SPEECH, 20], [SILENCE, HANGOVER_FRAMES], [SPEECH, 20], [SILENCE, 20]));
    expect(events.map((e) => `${e.type}${e.id}`)).toEqual(['start1', 'end1', 'start2', 'end2']);
    expect(events[1]).toMatchObject({ endSample: at(20) + POST_PAD, reason: 'silence' });
    // The second segment's pre-roll (frame 19.5) is clamped to the first's end (frame 25).
    expect(events[2]).toMatchObject({ startSample: at(25) });
    expect(events[3]).toMatchObject({ startSample: at(25), endSample: at(20 + HANGOVER_FRAMES + 20) + POST_PAD });
  });
});

describe('Segmenter: quietSegment', () => {
  it('names the open segment while its hangover is counted, and nothing while it speaks or after it ends', () => {
    const seg = new Segmenter();
    const quiet: (number | null)[] = [];
    runs([SILENCE, 5], [SPEECH, 10], [SILENCE, 3], [SPEECH, 5], [SILENCE, 20]).forEach((p, i) => {
      seg.push(at(i), p);
      quiet.push(seg.quietSegment);
    });
    const expected = [
      ...Array<null>(15).fill(null),
      1,
      1,
      1,
      ...Array<null>(5).fill(null),
      ...Array<number>(HANGOVER_FRAMES - 1).fill(1),
      ...Array<null>(20 - (HANGOVER_FRAMES - 1)).fill(null),
    ];
    expect(quiet).toEqual(expected);
  });
});

describe('Segmenter: released by level', () => {
  /** The release as measured in scripts/measure-release.ts (the default). */
  const release = (): Segmenter => new Segmenter({ releaseBelowLoudestDb: 35 });
  const LOUD = 0.2;
  /** 40 dB below LOUD: quiet by the default 35 dB margin. */
  const TAIL = 0.002;

  it("ends a hangover after the sound stops, not after Silero's tail", () => {
    // Speech in frames 0..19, then 8 frames of Silero's tail over near-silence, then silence.
    const probs = runs([SPEECH, 20], [SPEECH, 8], [SILENCE, 20]);
    const rms = runs([LOUD, 20], [TAIL, 28]);
    const events = drive(release(), probs, OFFSET, rms);
    expect(events[1]).toMatchObject({ type: 'end', endSample: at(20) + POST_PAD, frame: 20 + HANGOVER_FRAMES - 1 });
    // Silero alone waits for the tail.
    const alone = drive(new Segmenter({ releaseBelowLoudestDb: null }), probs, OFFSET, rms);
    expect(alone[1]).toMatchObject({ endSample: at(28) + POST_PAD, frame: 28 + HANGOVER_FRAMES - 1 });
  });

  it('leaves it to Silero where the room is as loud as the margin, or when no level is given', () => {
    const probs = runs([SPEECH, 20], [SPEECH, 8], [SILENCE, 20]);
    const noisy = drive(release(), probs, OFFSET, runs([LOUD, 20], [LOUD / 20, 28]));
    expect(noisy[1]).toMatchObject({ endSample: at(28) + POST_PAD });
    expect(drive(release(), probs)[1]).toMatchObject({ endSample: at(28) + POST_PAD });
  });

  it('bridges soft sounds shorter than the hangover, measured against the loudest of the last few seconds', () => {
    // A quiet stretch one frame short of the hangover inside speech, then a louder word.
    const probs = runs([SPEECH, 20], [SPEECH, HANGOVER_FRAMES - 1], [SPEECH, 20], [SILENCE, 20]);
    const rms = runs([LOUD, 20], [TAIL, HANGOVER_FRAMES - 1], [LOUD * 2, 20], [TAIL, 20]);
    const events = drive(release(), probs, OFFSET, rms);
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
    expect(events[1]).toMatchObject({ endSample: at(20 + HANGOVER_FRAMES - 1 + 20) + POST_PAD });
  });

  it('starts on a soft onset after silence: the level is compared with the last few seconds only', () => {
    // Soft onset frames (far below the speech that follows) still start speech and count towards minSpeechMs.
    const probs = runs([SILENCE, 5], [SPEECH, 30], [SILENCE, 20]);
    const rms = runs([0, 5], [TAIL, 3], [LOUD, 27], [0, 20]);
    const events = drive(release(), probs, OFFSET, rms);
    expect(events).toMatchObject([
      { type: 'start', startSample: at(5) - PRE_ROLL, frame: 5 + MIN_SPEECH_FRAMES - 1 },
      { type: 'end', endSample: at(35) + POST_PAD },
    ]);
  });

  it("does not start a segment on Silero's tail after one it released", () => {
    // A long tail: Silero still calls it speech after the segment has ended.
    const probs = runs([SPEECH, 20], [SPEECH, 20], [SILENCE, 20]);
    const rms = runs([LOUD, 20], [TAIL, 40]);
    const events = drive(release(), probs, OFFSET, rms);
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
    expect(events[1]).toMatchObject({ endSample: at(20) + POST_PAD });
    // Four seconds on, the loud speech has left the window: the same soft sound is speech again.
    const later = drive(release(), runs([SPEECH, 20], [SILENCE, 125], [SPEECH, 20], [SILENCE, 20]), OFFSET, [
      ...runs([LOUD, 20], [0, 125]),
      ...runs([TAIL, 20], [0, 20]),
    ]);
    expect(later.map((e) => e.type)).toEqual(['start', 'end', 'start', 'end']);
  });
});

describe('Segmenter: flush', () => {
  it("ends an open segment with reason 'flush' at the current position", () => {
    const seg = new Segmenter();
    drive(seg, runs([SILENCE, 10], [SPEECH, 20]));
    // The last frame was speech, so the post-pad would reach past what exists.
    expect(seg.flush()).toEqual([
      { type: 'end', id: 1, startSample: at(10) - PRE_ROLL, endSample: at(30), reason: 'flush' },
    ]);
    expect(seg.speaking).toBe(false);
    expect(seg.flush()).toEqual([]);
  });

  it('keeps only the post-pad when the speaker had already paused', () => {
    const seg = new Segmenter();
    // Silent for longer than the post-pad, shorter than the hangover: the flush cuts before its position.
    drive(seg, runs([SPEECH, 20], [SILENCE, 8]));
    expect(seg.flush()).toEqual([
      { type: 'end', id: 1, startSample: at(0) - PRE_ROLL, endSample: at(20) + POST_PAD, reason: 'flush' },
    ]);
  });

  it('does nothing when idle, and drops an unconfirmed burst', () => {
    const seg = new Segmenter();
    expect(seg.flush()).toEqual([]);
    drive(seg, runs([SILENCE, 10]));
    expect(seg.flush()).toEqual([]);
    drive(seg, runs([SPEECH, MIN_SPEECH_FRAMES - 1]), at(10));
    expect(seg.flush()).toEqual([]);
    // The dropped burst must not count towards the next one's minSpeechMs.
    expect(seg.push(at(10 + MIN_SPEECH_FRAMES - 1), SPEECH)).toEqual([]);
  });

  it('lets the next segment continue the id sequence and start no earlier than the flushed end', () => {
    const seg = new Segmenter();
    drive(seg, runs([SPEECH, 20]));
    const [end] = seg.flush();
    const next = drive(seg, runs([SPEECH, 10]), at(20));
    expect(end).toMatchObject({ id: 1, endSample: at(20) });
    expect(next[0]).toMatchObject({ type: 'start', id: 2, startSample: at(20) });
  });
});

describe('Segmenter: forced split of long speech', () => {
  // Defaults: the limit is 625 frames. Speech from frame 8 with an 8-frame
  // (256 ms) pre-roll puts the segment start at frame 0, so the limit is hit on
  // frame 624 (with the default pre-roll, on frame 620). The
  // search window is the last 5 s (frames ≥ 469), minus 1 s at either end.
  const LIMIT_FRAME = 624;

  it('splits inside the quietest frame of the search window and continues seamlessly', () => {
    const probs = runs([SILENCE, 8], [SPEECH, 700]);
    probs[500] = 0.2; // the dip: one frame, far shorter than the hangover
    probs[400] = 0.0; // quieter, but before the search window
    probs[520] = 0.3; // a dip in the window, but not the quietest
    const events = drive(new Segmenter({ preRollMs: 256 }), probs);

    expect(events.map((e) => `${e.type}${e.id}`)).toEqual(['start1', 'end1', 'start2']);
    const [, end, start] = events;
    expect(end).toMatchObject({ type: 'end', id: 1, startSample: at(0), reason: 'split', frame: LIMIT_FRAME });
    if (end?.type !== 'end') throw new Error('unreachable');
    expect(end.endSample).toBeGreaterThanOrEqual(at(500));
    expect(end.endSample).toBeLessThan(at(501));
    // Same push, no gap and no overlap.
    expect(start).toEqual({ type: 'start', id: 2, startSample: end.endSample, frame: LIMIT_FRAME });
  });

  it('breaks ties between equally quiet frames by level', () => {
    const probs = runs([SILENCE, 8], [SPEECH, 700]);
    const rms = Array<number>(probs.length).fill(0.3);
    probs[490] = 0.1;
    probs[560] = 0.1;
    rms[490] = 0.02;
    rms[560] = 0.01; // quieter
    const end = drive(new Segmenter(), probs, OFFSET, rms).find((e) => e.type === 'end');
    if (end?.type !== 'end') throw new Error('expected a split');
    expect(end.endSample).toBeGreaterThanOrEqual(at(560));
    expect(end.endSample).toBeLessThan(at(561));
  });

  it('still splits when there is no dip, never letting a segment outgrow the limit', () => {
    const maxSamples = DEFAULT_SEGMENTER_OPTIONS.maxSegmentMs * 16;
    // ~96 s of unbroken speech, then silence.
    const events = drive(new Segmenter(), runs([SILENCE, 8], [SPEECH, 3000], [SILENCE, 20]));
    const ends = events.filter((e): e is Extract<Recorded, { type: 'end' }> => e.type === 'end');
    expect(ends.length).toBeGreaterThanOrEqual(4);
    expect(ends.slice(0, -1).every((e) => e.reason === 'split')).toBe(true);
    expect(ends.at(-1)?.reason).toBe('silence');
    ends.forEach((e, i) => {
      expect(e.id).toBe(i + 1);
      expect(e.endSample - e.startSample).toBeGreaterThan(0);
      expect(e.endSample - e.startSample).toBeLessThanOrEqual(maxSamples + FRAME);
      // Each piece starts exactly where the previous one ended.
      if (i > 0) expect(e.startSample).toBe(ends[i - 1]?.endSample);
    });
    expect(ends.at(-1)?.endSample).toBe(at(3008) + POST_PAD);
  });

  it('splits at the current position when the limit leaves no room for a 1 s margin on each side', () => {
    const o: Partial<SegmenterOptions> = { maxSegmentMs: 1500, preRollMs: 0 };
    const maxSamples = 1500 * 16;
    const events = drive(new Segmenter(o), runs([SPEECH, 200]));
    const ends = events.filter((e): e is Extract<Recorded, { type: 'end' }> => e.type === 'end');
    expect(ends.length).toBeGreaterThan(2);
    for (const e of ends) {
      expect(e.reason).toBe('split');
      // Cut at the end of the frame that reached the limit.
      expect(e.endSample).toBe(at(e.frame + 1));
      expect(e.endSample - e.startSample).toBeGreaterThanOrEqual(maxSamples);
      expect(e.endSample - e.startSample).toBeLessThan(maxSamples + FRAME);
    }
  });
});

/** Tiny seeded PRNG, so a failing sequence can be replayed from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Segmenter: invariants over random input', () => {
  it('never overlaps segments, pairs every end with its start and keeps ranges inside the audio', () => {
    let segments = 0;
    let splits = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const random = mulberry32(seed);
      // A short limit makes splits common. Kept within the region the split
      // logic is designed for: hangover under the 1 s split margin, limit and
      // search window longer than the margins.
      const options: Partial<SegmenterOptions> = {
        maxSegmentMs: 2200 + Math.floor(random() * 4000),
        splitSearchMs: 1200 + Math.floor(random() * 3000),
        hangoverMs: 64 + Math.floor(random() * 800),
        minSpeechMs: 32 + Math.floor(random() * 300),
        preRollMs: Math.floor(random() * 500),
        postPadMs: Math.floor(random() * 500),
      };
      const maxSamples = (options.maxSegmentMs ?? 0) * 16;
      const seg = new Segmenter(options);
      const label = `seed ${seed}`;

      // Alternating runs of speech-ish and silence-ish frames with noisy probabilities.
      const probs: number[] = [];
      while (probs.length < 1500) {
        const speech = random() < 0.5;
        const length = 1 + Math.floor(random() * (speech ? 300 : 40));
        for (let i = 0; i < length; i++) probs.push(speech ? 0.3 + random() * 0.7 : random() * 0.6);
      }
      const events: SegmentEvent[] = [...drive(seg, probs), ...seg.flush()];
      const position = at(probs.length);

      let open: Extract<SegmentEvent, { type: 'start' }> | null = null;
      // Nothing may start before the pre-roll of the very first frame.
      let lastEnd = OFFSET - (options.preRollMs ?? 0) * 16;
      let lastId = 0;
      for (const e of events) {
        if (e.type === 'start') {
          expect(open, label).toBeNull();
          expect(e.id, label).toBe(lastId + 1);
          expect(e.startSample, label).toBeGreaterThanOrEqual(lastEnd);
          open = e;
          lastId = e.id;
          segments++;
        } else {
          expect(open, label).not.toBeNull();
          expect(e.id, label).toBe(open?.id);
          expect(e.startSample, label).toBe(open?.startSample);
          expect(e.endSample, label).toBeGreaterThan(e.startSample);
          expect(e.endSample, label).toBeLessThanOrEqual(position);
          expect(e.endSample - e.startSample, label).toBeLessThanOrEqual(maxSamples + FRAME);
          if (e.reason === 'split') splits++;
          lastEnd = e.endSample;
          open = null;
        }
      }
      // flush() closed whatever was open.
      expect(open, label).toBeNull();
      expect(seg.speaking, label).toBe(false);
    }
    // Guard against a generator that never exercises the interesting paths.
    expect(segments).toBeGreaterThan(1000);
    expect(splits).toBeGreaterThan(100);
  });
});

describe('chooseSplitFrame', () => {
  const frame = (i: number, probability: number, rms: number) => ({ start: i * 512, probability, rms });

  it('prefers the middle of the longest quiet run over a lower-probability frame inside a word', () => {
    // Silero scores a short inter-sentence gap high (0.8) and a frame inside a word low (0.1);
    // the level tells the truth: frames 10–14 are silent.
    const frames = Array.from({ length: 30 }, (_, i) => frame(i, 0.9, 0.1));
    frames[5] = frame(5, 0.1, 0.08);
    for (let i = 10; i <= 14; i++) frames[i] = frame(i, 0.8, 1e-5);
    frames[20] = frame(20, 0.85, 1e-5); // a shorter quiet run loses
    expect(chooseSplitFrame(frames)?.start).toBe(12 * 512);
  });

  it('falls back to the least speech-like frame when nothing is quiet', () => {
    const frames = Array.from({ length: 10 }, (_, i) => frame(i, 0.9 - i * 0.01, 0.1));
    frames[3] = frame(3, 0.2, 0.1);
    expect(chooseSplitFrame(frames)?.start).toBe(3 * 512);
  });

  it('has nothing to choose from an empty window', () => {
    expect(chooseSplitFrame([])).toBeUndefined();
  });
});

describe('segments never end before they start', () => {
  it('holds with a short limit and a long hangover (a split just before silence)', () => {
    const seg = new Segmenter({ maxSegmentMs: 1562, hangoverMs: 633 });
    const starts = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const p = i % 100 < 38 ? 0.9 : 0.05;
      for (const e of seg.push(i * 512, p, p > 0.5 ? 0.1 : 1e-4)) {
        if (e.type === 'start') starts.set(e.id, e.startSample);
        else expect(e.endSample).toBeGreaterThan(starts.get(e.id) ?? Number.POSITIVE_INFINITY);
      }
    }
    expect(starts.size).toBeGreaterThan(3);
  });
});

describe('Segmenter: a replacement continuing a predecessor', () => {
  it('starts no segment before the floor it is given, so its pre-roll cannot repeat words', () => {
    // Speech 2 frames after the resume point: the pre-roll would reach 6 frames back.
    const floor = at(4);
    const seg = new Segmenter({}, 7, floor);
    const events = drive(seg, runs([SILENCE, 6], [SPEECH, 20], [SILENCE, 20]));
    expect(events[0]).toMatchObject({ type: 'start', id: 7, startSample: floor });
    // Without the floor the pre-roll would have started earlier.
    const free = drive(new Segmenter({}, 7), runs([SILENCE, 6], [SPEECH, 20], [SILENCE, 20]));
    expect(free[0]?.startSample).toBe(at(6) - PRE_ROLL);
    expect(at(6) - PRE_ROLL).toBeLessThan(floor);
  });
});
