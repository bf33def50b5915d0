import { describe, expect, it } from 'vitest';
import { AudioRing } from '../../src/audio/ring';
import { DEFAULT_SEGMENTER_OPTIONS } from '../../src/engine/segmenter';
import { type SileroVad, VAD_FRAME_SAMPLES } from '../../src/engine/silero';
import { VadStream } from '../../src/engine/vad-stream';
import { createStatsBuffer, PipelineStats } from '../../src/shared/stats';
import type { SegmentEvent } from '../../src/shared/types';

/** Frames of [Silero's probability, the frame's level], in order. */
type Script = readonly (readonly [number, number])[];

function runs(...parts: [probability: number, level: number, frames: number][]): Script {
  return parts.flatMap(([p, level, n]) => Array.from({ length: n }, () => [p, level] as const));
}

/** Plays the script through a ring and a VadStream whose "Silero" reads the script. */
async function stream(script: Script): Promise<SegmentEvent[]> {
  const ring = AudioRing.create(1 << 16, false);
  let frame = 0;
  const vad = {
    reset: () => {},
    probability: async () => script[frame++]?.[0] ?? 0,
  } as unknown as SileroVad;
  const events: SegmentEvent[] = [];
  const vadStream = new VadStream(
    ring,
    vad,
    new PipelineStats(createStatsBuffer(false)),
    (event) => events.push(event),
    () => {},
  );
  for (const [, level] of script) {
    // A square wave at the frame's level: its RMS is the level.
    ring.write(Float32Array.from({ length: VAD_FRAME_SAMPLES }, (_, i) => (i % 2 ? level : -level)));
    await vadStream.pump();
  }
  return events;
}

const LOUD = 0.2;
/** 40 dB below LOUD: silence by the level release. */
const QUIET = 0.002;
const HANGOVER_FRAMES = DEFAULT_SEGMENTER_OPTIONS.hangoverMs / 32;

describe('VadStream: quiet hints', () => {
  it('says when a segment falls silent, when its speaker goes on, and then ends it', async () => {
    const events = await stream(
      runs([0.05, 0, 10], [0.9, LOUD, 20], [0.9, QUIET, 3], [0.9, LOUD, 20], [0.05, QUIET, HANGOVER_FRAMES + 5]),
    );
    expect(events.map((e) => (e.type === 'quiet' ? `quiet:${e.quiet}` : e.type))).toEqual([
      'start',
      'quiet:true',
      'quiet:false',
      'quiet:true',
      'pause',
      'end',
    ]);
    expect(events.every((e) => e.type === 'start' || e.id === 1)).toBe(true);
  });

  it('says nothing of silence between segments', async () => {
    const events = await stream(runs([0.05, QUIET, 40]));
    expect(events).toEqual([]);
  });
});

describe('the segmenter’s defaults', () => {
  it('end speech by the level release, with the hangover and post-pad the README gives', () => {
    expect(DEFAULT_SEGMENTER_OPTIONS).toMatchObject({ releaseBelowLoudestDb: 35, hangoverMs: 384, postPadMs: 160 });
  });
});

describe('VadStream: a file read as fast as the model runs', () => {
  it('awaits beforeFrame before every frame, and stops where it throws', async () => {
    const ring = AudioRing.create(1 << 16, false);
    ring.startAt(4096);
    const probabilities: number[] = [];
    const vad = {
      reset: () => {},
      probability: async () => {
        probabilities.push(0.9);
        return 0.9;
      },
    } as unknown as SileroVad;
    let asked = 0;
    const vadStream = new VadStream(
      ring,
      vad,
      new PipelineStats(createStatsBuffer(false)),
      () => {},
      () => {},
      {
        fromSample: 4096,
        beforeFrame: async () => {
          if (++asked === 6) throw new DOMException('Cancelled', 'AbortError');
        },
      },
    );
    ring.write(new Float32Array(10 * VAD_FRAME_SAMPLES));
    await expect(vadStream.pump()).rejects.toThrow('Cancelled');
    // Five frames ran, each after its own ask; the sixth was never read.
    expect(asked).toBe(6);
    expect(probabilities).toHaveLength(5);
    expect(vadStream.readPosition).toBe(4096 + 5 * VAD_FRAME_SAMPLES);
  });
});
