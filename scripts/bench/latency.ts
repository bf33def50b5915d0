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

/** Index of the sentence a segment overlaps most once shifted by `offset` into file samples, or -1. */
function matchSentence(segment: Segment, truth: readonly Region[], offset: number): number {
  const start = segment.start + PRE_ROLL - offset;
  const end = (segment.end ?? segment.start + PRE_ROLL) - offset;
  let best = -1;
  let bestOverlap = 0;
  truth.forEach((t, i) => {
    const overlap = Math.min(end, t.end) - Math.max(start, t.start);
    if (overlap > bestOverlap) {
      bestOverlap = overlap;
      best = i;
    }
  });
  return best;
}

export interface SentenceLatency {
  sentence: number;
  trueStartS: number;
  trueEndS: number;
  segmentIds: number[];
  partials: number;
  /** First partial of the first segment, after the true start of speech (ms). */
  firstPartialMs: number | null;
  /** Final of the last segment, after the true end of speech (ms). */
  finalMs: number | null;
  /** Of finalMs: audio between the end of speech and the frame where the VAD could end the segment (hangover + Silero's tail). */
  finalVadMs: number | null;
  /** Of finalMs: from that frame to the final on the main thread (VAD worker lag, queueing, decode, messaging). */
  finalAfterVadMs: number | null;
  finalText: string;
}

export interface LatencyReport {
  finalMs: { p50: number | null; p95: number | null; max: number | null; n: number };
  firstPartialMs: { p50: number | null; p95: number | null; max: number | null; n: number };
  /** Ring sample = file sample + offset (the fake mic starts before the worklet writes). */
  offsetSamples: number;
  /** The same offset estimated from segment ends (end − post-pad); a rough check of the alignment. */
  offsetFromEndsSamples: number | null;
  sentences: SentenceLatency[];
  sentencesWithoutPartial: number[];
  sentencesWithoutFinal: number[];
  /** Segments that overlapped no sentence (false starts, noise). */
  unmatchedSegments: number[];
  segments: number;
}

const toMs = (samples: number): number => samples / PER_MS;

export function latencyReport(records: readonly BenchRecord[], truth: readonly Region[]): LatencyReport {
  const segments = segmentsOf(records);
  const first = segments[0];
  const firstTruth = truth[0];
  if (!first || !firstTruth) throw new Error(`no segments to align (${records.length} results)`);

  // Rough alignment on the first segment, matching by overlap, then the median over sentences.
  let offset = first.start + PRE_ROLL - firstTruth.start;
  let groups: Segment[][] = [];
  let unmatched: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    groups = truth.map(() => []);
    unmatched = [];
    for (const s of segments) {
      const i = matchSentence(s, truth, offset);
      if (i < 0) unmatched.push(s.id);
      else groups[i]?.push(s);
    }
    const estimates = groups.flatMap((g, i) => (g[0] ? [g[0].start + PRE_ROLL - (truth[i] as Region).start] : []));
    offset = Math.round(median(estimates));
  }
  const endEstimates = groups.flatMap((g, i) => {
    const last = g[g.length - 1];
    return last?.end != null ? [last.end - POST_PAD - (truth[i] as Region).end] : [];
  });

  const sentences: SentenceLatency[] = truth.map((t, i) => {
    const g = groups[i] ?? [];
    const head = g[0];
    const tail = g[g.length - 1];
    const firstPartialAt = head?.firstPartialAt ?? null;
    const finalAt = tail?.finalAt ?? null;
    const endAt = t.end + offset;
    // The VAD can end the segment `hangover` after its last speech frame (segment end − post-pad).
    const vadEndAt = tail?.end != null ? tail.end - POST_PAD + HANGOVER : null;
    return {
      sentence: i,
      trueStartS: t.start / PER_MS / 1000,
      trueEndS: t.end / PER_MS / 1000,
      segmentIds: g.map((s) => s.id),
      partials: g.reduce((n, s) => n + s.partials, 0),
      firstPartialMs: firstPartialAt === null ? null : toMs(firstPartialAt - (t.start + offset)),
      finalMs: finalAt === null ? null : toMs(finalAt - endAt),
      finalVadMs: vadEndAt === null ? null : toMs(vadEndAt - endAt),
      finalAfterVadMs: finalAt === null || vadEndAt === null ? null : toMs(finalAt - vadEndAt),
      finalText: g.map((s) => s.finalText).join(' '),
    };
  });

  const summary = (values: number[]) => ({
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    max: round(Math.max(...values)),
    n: values.length,
  });
  const finals = sentences.flatMap((s) => (s.finalMs === null ? [] : [s.finalMs]));
  const partials = sentences.flatMap((s) => (s.firstPartialMs === null ? [] : [s.firstPartialMs]));
  return {
    finalMs: summary(finals),
    firstPartialMs: summary(partials),
    offsetSamples: offset,
    offsetFromEndsSamples: endEstimates.length ? Math.round(median(endEstimates)) : null,
    sentences: sentences.map((s) => ({
      ...s,
      trueStartS: round(s.trueStartS, 3) ?? 0,
      trueEndS: round(s.trueEndS, 3) ?? 0,
      firstPartialMs: s.firstPartialMs === null ? null : round(s.firstPartialMs),
      finalMs: s.finalMs === null ? null : round(s.finalMs),
      finalVadMs: s.finalVadMs === null ? null : round(s.finalVadMs),
      finalAfterVadMs: s.finalAfterVadMs === null ? null : round(s.finalAfterVadMs),
    })),
    sentencesWithoutPartial: sentences.filter((s) => s.firstPartialMs === null).map((s) => s.sentence),
    sentencesWithoutFinal: sentences.filter((s) => s.finalMs === null).map((s) => s.sentence),
    unmatchedSegments: unmatched,
    segments: segments.length,
  };
}
