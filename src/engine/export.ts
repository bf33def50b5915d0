/**
 * Session exporters: plain text, Markdown, SubRip (SRT), WebVTT and JSON.
 *
 * Pure; no DOM. Each exporter returns the file name, MIME type and contents;
 * the UI turns that into a Blob and a download.
 *
 * Timed formats (SRT, WebVTT, JSON) share one timeline normalisation, see
 * {@link normaliseTimeline}: times are rounded to whole milliseconds and
 * clamped to [0, {@link MAX_TIMESTAMP_MS}], segments are ordered by start
 * (stable, so ties keep their session order) and a segment whose end is not
 * after its start gets `end = start + MIN_CUE_MS`. Subtitle cues additionally
 * get single-line-safe text, see {@link normaliseCueText}.
 */

import type { SessionExportInput, SessionSegment } from './session-types';

export interface ExportedFile {
  filename: string;
  mimeType: string;
  content: string;
}

/** Longest timestamp the exporters write: 999:59:59.999. */
export const MAX_TIMESTAMP_MS = 999 * 3_600_000 + 59 * 60_000 + 59 * 1_000 + 999;

/** Duration given to a cue whose end is not after its start. */
export const MIN_CUE_MS = 1;

/** Cue text of a gap segment (audio lost to overrun). */
export const GAP_TEXT = '[\u2026]';

/** Used when a title yields no usable file name characters. */
export const FALLBACK_FILENAME = 'utter-transcript';

/** Maximum length of the file name stem, in code points. */
const MAX_STEM_CHARS = 80;
/** And in UTF-8 bytes, so a stem of 4-byte characters stays well under the 255-byte limit. */
const MAX_STEM_BYTES = 200;

// ---------------------------------------------------------------------------
// Timestamps

/** Round to whole milliseconds and clamp to [0, MAX_TIMESTAMP_MS]; NaN → 0. */
export function clampMs(ms: number): number {
  if (Number.isNaN(ms)) return 0;
  const rounded = Math.round(ms);
  return Math.min(Math.max(rounded, 0), MAX_TIMESTAMP_MS);
}

/**
 * `HH:MM:SS,mmm` (SRT, separator ',') or `HH:MM:SS.mmm` (WebVTT, separator
 * '.'). Hours have at least two digits and go up to 999; negative and NaN
 * times become 0, times past 999:59:59.999 are clamped to it, fractional
 * milliseconds are rounded.
 */
export function formatTimestamp(ms: number, separator: ',' | '.'): string {
  const t = clampMs(ms);
  const hours = Math.floor(t / 3_600_000);
  const minutes = Math.floor(t / 60_000) % 60;
  const seconds = Math.floor(t / 1_000) % 60;
  const millis = t % 1_000;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${separator}${pad(millis, 3)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

// ---------------------------------------------------------------------------
// Timeline and cue text

export interface TimedSegment {
  segment: SessionSegment;
  /** Whole milliseconds, 0 <= startMs < endMs <= MAX_TIMESTAMP_MS. */
  startMs: number;
  endMs: number;
}

/**
 * All segments with normalised times, ordered by start (ties keep session
 * order). Start times are non-decreasing and every end is after its start.
 */
export function normaliseTimeline(segments: readonly SessionSegment[]): TimedSegment[] {
  const timed = segments.map((segment) => {
    const startMs = Math.min(clampMs(segment.startMs), MAX_TIMESTAMP_MS - MIN_CUE_MS);
    let endMs = clampMs(segment.endMs);
    if (endMs <= startMs) endMs = startMs + MIN_CUE_MS;
    return { segment, startMs, endMs };
  });
  // Array.prototype.sort is stable (ES2019), so equal starts keep their order.
  return timed.sort((a, b) => a.startMs - b.startMs);
}

/** Line terminators (and vertical tab / form feed / NEL), which end a cue line. */
const LINE_BREAKS = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
/** Other C0/C1 control characters, dropped. Tab is kept (collapsed below). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being removed
const CONTROL_CHARS = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]/g;

/**
 * Make segment text safe as subtitle cue text: `-->` becomes `→` (it would
 * otherwise read as a timing line), each line has runs of spaces/tabs
 * collapsed and is trimmed, other control characters are dropped (first, so
 * they cannot hide a `-->`) and empty lines
 * are removed (a blank line would end the cue). Returns '' when nothing is
 * left. HTML-ish markup is left alone; WebVTT escaping is separate.
 */
export function normaliseCueText(text: string): string {
  return text
    .replace(CONTROL_CHARS, '')
    .replaceAll('-->', '\u2192')
    .split(LINE_BREAKS)
    .map((line) => line.replace(/[\t ]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

export interface Cue {
  startMs: number;
  endMs: number;
  /** Normalised text: non-empty, no blank lines, no `-->`. Not escaped. */
  text: string;
  gap: boolean;
}

/**
 * The cues the SRT and WebVTT exporters write, in order: gap segments become
 * {@link GAP_TEXT}, segments whose text normalises to '' are skipped.
 */
export function buildCues(segments: readonly SessionSegment[]): Cue[] {
  const cues: Cue[] = [];
  for (const { segment, startMs, endMs } of normaliseTimeline(segments)) {
    const gap = segment.gap === true;
    const text = gap ? GAP_TEXT : normaliseCueText(segment.text);
    if (text !== '') cues.push({ startMs, endMs, text, gap });
  }
  return cues;
}

/** Escape text for a WebVTT cue payload. */
export function escapeVttText(text: string): string {
  return escapeHtml(text);
}

/**
 * `&`, `<` and `>` as character references. Markdown renderers pass raw HTML
 * through, so a dictated or typed `<img onerror=…>` would otherwise become
 * markup wherever the exported file is shown; references work in every
 * Markdown flavour, unlike backslash escapes.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

// ---------------------------------------------------------------------------
// Exporters

/** The transcript text as is (edits kept), ending in exactly one newline. */
export function toPlainText(input: SessionExportInput): ExportedFile {
  return {
    filename: exportFilename(input.title, 'txt'),
    mimeType: 'text/plain;charset=utf-8',
    content: `${input.text.trimEnd()}\n`,
  };
}

/**
 * `# Title`, a line with the creation time (ISO 8601, UTC; omitted if
 * createdAt is not a valid date), then the transcript with each non-empty
 * line as a paragraph. HTML in the title and text is escaped (see
 * {@link escapeHtml}); Markdown syntax is left as the person wrote it.
 */
export function toMarkdown(input: SessionExportInput): ExportedFile {
  const title = escapeHtml(input.title.replace(/\s+/gu, ' ').trim()) || 'Transcript';
  // A trailing " #" would be read as the heading's closing sequence.
  const heading = `# ${title.replace(/(\s)(#+)$/u, '$1\\$2')}`;
  const blocks = [heading];
  const created = isoDate(input.createdAt);
  if (created !== null) blocks.push(`Recorded ${created}`);
  const paragraphs = input.text
    .split(/\r\n|[\n\r\u2028\u2029]/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map(escapeHtml);
  blocks.push(...paragraphs);
  return {
    filename: exportFilename(input.title, 'md'),
    mimeType: 'text/markdown;charset=utf-8',
    content: `${blocks.join('\n\n')}\n`,
  };
}

/** SubRip: numbered cues from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, blank line between cues. */
export function toSrt(input: SessionExportInput): ExportedFile {
  const blocks = buildCues(input.segments).map(
    (cue, i) => `${i + 1}\n${formatTimestamp(cue.startMs, ',')} --> ${formatTimestamp(cue.endMs, ',')}\n${cue.text}\n`,
  );
  return {
    filename: exportFilename(input.title, 'srt'),
    mimeType: 'application/x-subrip;charset=utf-8',
    content: blocks.join('\n'),
  };
}

/** WebVTT: `WEBVTT` header, then cues `HH:MM:SS.mmm --> HH:MM:SS.mmm` with escaped text. */
export function toWebVtt(input: SessionExportInput): ExportedFile {
  const blocks = buildCues(input.segments).map(
    (cue) =>
      `${formatTimestamp(cue.startMs, '.')} --> ${formatTimestamp(cue.endMs, '.')}\n${escapeVttText(cue.text)}\n`,
  );
  return {
    filename: exportFilename(input.title, 'vtt'),
    mimeType: 'text/vtt;charset=utf-8',
    content: ['WEBVTT\n', ...blocks].join('\n'),
  };
}

export interface JsonExport {
  title: string;
  /** ISO 8601 UTC, or null if createdAt is not a valid date. */
  createdAt: string | null;
  text: string;
  segments: JsonSegment[];
}

export interface JsonSegment {
  /** The segment's text, unmodified. */
  text: string;
  /** Seconds, millisecond precision. */
  start: number;
  end: number;
  gap?: true;
}

/**
 * Every segment (including empty ones) on the normalised timeline, with its
 * text unmodified; times in seconds with three decimals. Pretty printed.
 */
export function toJson(input: SessionExportInput): ExportedFile {
  const data: JsonExport = {
    title: input.title,
    createdAt: isoDate(input.createdAt),
    text: input.text,
    segments: normaliseTimeline(input.segments).map(({ segment, startMs, endMs }) => {
      const out: JsonSegment = { text: segment.text, start: startMs / 1000, end: endMs / 1000 };
      if (segment.gap === true) out.gap = true;
      return out;
    }),
  };
  return {
    filename: exportFilename(input.title, 'json'),
    mimeType: 'application/json;charset=utf-8',
    content: `${JSON.stringify(data, null, 2)}\n`,
  };
}

function isoDate(epochMs: number): string | null {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

// ---------------------------------------------------------------------------
// File names

/**
 * Characters illegal in file names on Windows, macOS or Linux, plus controls,
 * bidi overrides (which can disguise the extension) and lone surrogates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being removed
const ILLEGAL_FILENAME_CHARS = /[<>:"/\\|?*\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/gu;

/** Windows device names, reserved with any extension. */
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9\u00B9\u00B2\u00B3]|lpt[0-9\u00B9\u00B2\u00B3])(?:\.|$)/iu;

/**
 * A file name that is safe on Windows, macOS and Linux: illegal characters
 * become separators, whitespace runs become '-', leading/trailing dots,
 * dashes and underscores are dropped, the stem is cut to 80 characters (and
 * 200 UTF-8 bytes), Windows device names get a prefix, and an empty result
 * falls back to {@link FALLBACK_FILENAME}. `ext` is given without the dot.
 */
export function exportFilename(title: string, ext: string): string {
  let stem = title.normalize('NFC').replace(ILLEGAL_FILENAME_CHARS, ' ').replace(/\s+/gu, '-').replace(/-{2,}/g, '-');
  stem = trimStem(truncateStem(trimStem(stem)));
  if (stem === '') stem = FALLBACK_FILENAME;
  if (WINDOWS_RESERVED.test(stem)) stem = `utter-${stem}`;
  const cleanExt = ext.replace(/[^A-Za-z0-9]/g, '');
  return cleanExt === '' ? stem : `${stem}.${cleanExt}`;
}

function trimStem(stem: string): string {
  return stem.replace(/^[.\-_]+/, '').replace(/[.\-_]+$/, '');
}

function truncateStem(stem: string): string {
  let out = '';
  let chars = 0;
  let bytes = 0;
  for (const ch of stem) {
    const cp = ch.codePointAt(0) ?? 0;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (chars + 1 > MAX_STEM_CHARS || bytes + size > MAX_STEM_BYTES) break;
    out += ch;
    chars += 1;
    bytes += size;
  }
  return out;
}
