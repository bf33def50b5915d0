import type { BenchRecord } from '../../src/app/bench-hook';
import { DEFAULT_SEGMENTER_OPTIONS } from '../../src/engine/segmenter';
import { median, PER_MS, percentile, type Region, round } from './audio';

const PRE_ROLL = Math.round(DEFAULT_SEGMENTER_OPTIONS.preRollMs * PER_MS);
const POST_PAD = Math.round(DEFAULT_SEGMENTER_OPTIONS.postPadMs * PER_MS);
const HANGOVER = Math.round(DEFAULT_SEGMENTER_OPTIONS.hangoverMs * PER_MS);

/** One VAD segment as seen on the main thread (ring sample positions). */
interface Segment {
  id: number;
  start: number;
  end: number | null;
  firstPartialAt: number | null;
  partials: number;
  finalAt: number | null;
  finalText: string;
}

function segmentsOf(records: readonly BenchRecord[]): Segment[] {
  const byId = new Map<number, Segment>();
  for (const r of records) {
    let s = byId.get(r.segmentId);
    if (!s) {
      s = {
        id: r.segmentId,
        start: r.startSample,
        end: null,
        firstPartialAt: null,
        partials: 0,
        finalAt: null,
        finalText: '',
      };
      byId.set(r.segmentId, s);
    }
    if (r.kind === 'partial') {
      s.partials++;
      if (s.firstPartialAt === null && r.arrivedAtSample !== null) s.firstPartialAt = r.arrivedAtSample;
    } else {
      s.start = r.startSample;
      s.end = r.endSample;
      s.finalAt = r.arrivedAtSample;
      s.finalText = r.text;
    }
  }
  return [...byId.values()].sort((a, b) => a.start - b.start);
}

/** Index of the region that [start, end) overlaps most, or -1. */
function bestOverlap(start: number, end: number, regions: readonly Region[]): number {
  let best = -1;
  let bestOverlap = 0;
  regions.forEach((t, i) => {
    const overlap = Math.min(end, t.end) - Math.max(start, t.start);
    if (overlap > bestOverlap) {
      bestOverlap = overlap;
      best = i;
    }
  });
  return best;
}

/** Segments per sentence, once the ring is shifted by `offset` into file samples. */
function group(segments: readonly Segment[], truth: readonly Region[], offset: number) {
  const groups: Segment[][] = truth.map(() => []);
  const unmatched: number[] = [];
  for (const s of segments) {
    const i = bestOverlap(s.start + PRE_ROLL - offset, (s.end ?? s.start + PRE_ROLL) - offset, truth);
    if (i < 0) unmatched.push(s.id);
    else groups[i]?.push(s);
  }
  return { groups, unmatched };
}

/**
 * The brief's alignment: Silero fires on the first speech frame, which is the
 * segment start plus the pre-roll. Biased late by however long Silero takes
 * to call an onset speech.
 */
function preRollOffset(segments: readonly Segment[], truth: readonly Region[]): number {
  const first = segments[0];
  const firstTruth = truth[0];
  if (!first || !firstTruth) throw new Error('no segments to align');
  let offset = first.start + PRE_ROLL - firstTruth.start;
  for (let pass = 0; pass < 2; pass++) {
    const { groups } = group(segments, truth, offset);
    offset = Math.round(
      median(groups.flatMap((g, i) => (g[0] ? [g[0].start + PRE_ROLL - (truth[i] as Region).start] : []))),
    );
  }
  return offset;
}

/**
 * Like for like: the same Silero model and segmenter replayed over the file in
 * Node put segment boundaries where the browser's should be, onset lag and
 * speech tail included. The median difference of starts and ends over several
 * frame phases is the offset, to about a frame (32 ms).
 */
function replayOffset(
  segments: readonly Segment[],
  replays: readonly Region[][],
  rough: number,
): { offset: number; fromStarts: number; fromEnds: number } | null {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const replay of replays) {
    for (const s of segments) {
      if (s.end === null) continue;
      const r = replay[bestOverlap(s.start - rough, s.end - rough, replay)];
      if (!r) continue;
      starts.push(s.start - r.start);
      ends.push(s.end - r.end);
    }
  }
  if (starts.length === 0) return null;
  return {
    offset: Math.round(median([...starts, ...ends])),
    fromStarts: Math.round(median(starts)),
    fromEnds: Math.round(median(ends)),
  };
}

/** The browser's decode time of one sentence as a clip. */
export interface ClipDecode {
  warm: number | null;
  cold: number | null;
}

export interface SentenceLatency {
  sentence: number;
  trueStartS: number | null;
  trueEndS: number | null;
  segmentIds: number[];
  partials: number;
  /** First partial of the first segment, after the true start of speech. */
  firstPartialMs: number | null;
  /** Final of the last segment, after the true end of speech… */
  finalMs: number | null;
  /** …of which: speech the segmenter still counted after the end of the sound (its last speech frame − true end; Silero, or level)… */
  vadTailMs: number | null;
  /** …the hangover the segmenter waits before ending a segment (constant)… */
  hangoverMs: number;
  /** …and from that frame to the final on the main thread: VAD lag, queueing behind a partial, decode, messages. */
  afterVadMs: number | null;
  /** For comparison: the browser's decode time of the same sentence as a clip (fastest pass)… */
  clipDecodeMs: number | null;
  /** …and in the first pass after the page loaded. */
  clipDecodeColdMs: number | null;
  finalText: string;
}

interface Summary {
  p50: number | null;
  p95: number | null;
  max: number | null;
  n: number;
}

export interface Alignment {
  method: 'pre-roll' | 'vad-replay';
  /** Ring sample = file sample + offset. */
  offsetSamples: number;
  /** vad-replay only: the offset from segment starts alone and from ends alone (agreement = trust). */
  offsetCheck?: { fromStarts: number; fromEnds: number };
  finalMs: Summary;
  firstPartialMs: Summary;
  sentences: SentenceLatency[];
  sentencesWithoutPartial: number[];
  sentencesWithoutFinal: number[];
  /** Segments that overlapped no sentence (false starts, noise). */
  unmatchedSegments: number[];
}

const toMs = (samples: number): number => samples / PER_MS;

function summary(values: number[]): Summary {
  return {
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    max: values.length ? round(Math.max(...values)) : null,
    n: values.length,
  };
}

function align(
  method: Alignment['method'],
  segments: readonly Segment[],
  truth: readonly Region[],
  offset: number,
  clipDecodeMs: readonly ClipDecode[],
): Alignment {
  const { groups, unmatched } = group(segments, truth, offset);
  const ms = (v: number | null) => (v === null ? null : round(toMs(v)));
  const sentences: SentenceLatency[] = truth.map((t, i) => {
    const g = groups[i] ?? [];
    const head = g[0];
    const tail = g[g.length - 1];
    const firstPartialAt = head?.firstPartialAt ?? null;
    const finalAt = tail?.finalAt ?? null;
    const endAt = t.end + offset;
    // Segment end = last speech frame + post-pad; the VAD ends it a hangover after that frame.
    const lastSpeechAt = tail?.end != null ? tail.end - POST_PAD : null;
    return {
      sentence: i,
      trueStartS: round(t.start / PER_MS / 1000, 3),
      trueEndS: round(t.end / PER_MS / 1000, 3),
      segmentIds: g.map((s) => s.id),
      partials: g.reduce((n, s) => n + s.partials, 0),
      firstPartialMs: ms(firstPartialAt === null ? null : firstPartialAt - (t.start + offset)),
      finalMs: ms(finalAt === null ? null : finalAt - endAt),
      vadTailMs: ms(lastSpeechAt === null ? null : lastSpeechAt - endAt),
      hangoverMs: toMs(HANGOVER),
      afterVadMs: ms(finalAt === null || lastSpeechAt === null ? null : finalAt - (lastSpeechAt + HANGOVER)),
      clipDecodeMs: round(clipDecodeMs[i]?.warm ?? Number.NaN),
      clipDecodeColdMs: round(clipDecodeMs[i]?.cold ?? Number.NaN),
      finalText: g.map((s) => s.finalText).join(' '),
    };
  });
  const finals = sentences.flatMap((s) => (s.finalMs === null ? [] : [s.finalMs]));
  const partials = sentences.flatMap((s) => (s.firstPartialMs === null ? [] : [s.firstPartialMs]));
  return {
    method,
    offsetSamples: offset,
    finalMs: summary(finals),
    firstPartialMs: summary(partials),
    sentences,
    sentencesWithoutPartial: sentences.filter((s) => s.firstPartialMs === null).map((s) => s.sentence),
    sentencesWithoutFinal: sentences.filter((s) => s.finalMs === null).map((s) => s.sentence),
    unmatchedSegments: unmatched,
  };
}

export interface LatencyReport {
  segments: number;
  /** The brief's alignment (segment start + pre-roll = true start): the headline figures. */
  preRoll: Alignment;
  /** The same figures aligned by replaying the VAD natively over the file; null without replays. */
  vadReplay: Alignment | null;
}

export function latencyReport(
  records: readonly BenchRecord[],
  truth: readonly Region[],
  replays: readonly Region[][],
  clipDecodeMs: readonly ClipDecode[],
): LatencyReport {
  const segments = segmentsOf(records);
  if (segments.length === 0) throw new Error(`no segments to align (${records.length} results)`);
  const rough = preRollOffset(segments, truth);
  const replayed = replayOffset(segments, replays, rough);
  return {
    segments: segments.length,
    preRoll: align('pre-roll', segments, truth, rough, clipDecodeMs),
    vadReplay:
      replayed === null
        ? null
        : {
            ...align('vad-replay', segments, truth, replayed.offset, clipDecodeMs),
            offsetCheck: { fromStarts: replayed.fromStarts, fromEnds: replayed.fromEnds },
          },
  };
}
