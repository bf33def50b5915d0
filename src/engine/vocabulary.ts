/**
 * The person's own words: the "Vocabulary" setting, one entry per line.
 *
 * - A plain line ("Kubernetes", "Dr Okonkwo") is a term: the speech decoder
 *   leans towards it (see `biasing.ts`), and where the model wrote it with
 *   other capitals ("kubernetes") it is spelled as listed.
 * - A line `heard => written` ("get hub => GitHub") replaces what the model
 *   wrote with what the person wants, after decoding.
 *
 * Replacements match whole words, ignoring case and the model's punctuation
 * between and around them: Moonshine may write "get hub" as "Get, hub." and
 * that still matches; the punctuation outside the match ("…hub.") is kept, the
 * punctuation inside it is replaced. A lowercase `written` takes the capital
 * the model gave the first word (it started a sentence); a `written` with
 * capitals of its own is written exactly so.
 *
 * Pure; no DOM.
 */

export interface ReplacementRule {
  /** The words the model writes, lowercase, in order. */
  heard: readonly string[];
  /** What to write instead, as the person typed it. */
  written: string;
}

export interface Vocabulary {
  /** Words and phrases the decoder should lean towards, as listed. */
  terms: readonly string[];
  /** Longest `heard` first, so "new york city" wins over "new york". */
  rules: readonly ReplacementRule[];
}

export const EMPTY_VOCABULARY: Vocabulary = { terms: [], rules: [] };

/** A word: letters and digits, with inner apostrophes ("don't", "O'Neil"). */
const WORD = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu;

interface WordSpan {
  key: string;
  start: number;
  end: number;
}

function normalise(word: string): string {
  return word.toLowerCase().replace(/\u2019/gu, "'");
}

function wordSpans(text: string): WordSpan[] {
  return [...text.matchAll(WORD)].map((m) => ({
    key: normalise(m[0]),
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** Reads the settings field. Blank lines and lines without a word are ignored. */
export function parseVocabulary(field: string): Vocabulary {
  const terms: string[] = [];
  const explicit: ReplacementRule[] = [];
  const spelling: ReplacementRule[] = [];
  for (const rawLine of field.split(/\r?\n/u)) {
    const line = rawLine.replace(/\s+/gu, ' ').trim();
    const arrow = line.indexOf('=>');
    if (arrow >= 0) {
      const heard = wordSpans(line.slice(0, arrow)).map((w) => w.key);
      const written = line.slice(arrow + 2).trim();
      // An empty `written` would delete words and leave stray spacing: not a replacement.
      if (heard.length > 0 && written !== '') explicit.push({ heard, written });
      continue;
    }
    const words = wordSpans(line).map((w) => w.key);
    if (words.length === 0 || terms.includes(line)) continue;
    terms.push(line);
    // A term with capitals of its own is spelled as listed wherever the model wrote its words.
    if (line !== line.toLowerCase()) spelling.push({ heard: words, written: line });
  }
  // Explicit lines win over a term's spelling; then the longest match first (a stable sort keeps line order).
  const seen = new Set<string>();
  const rules = [...explicit, ...spelling].filter((rule) => {
    const key = rule.heard.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  rules.sort((a, b) => b.heard.length - a.heard.length);
  return { terms, rules };
}

/** `written` in the case the model gave `original`, unless the person chose capitals themselves. */
function cased(written: string, original: string): string {
  if (written !== written.toLowerCase()) return written;
  const letters = original.replace(/[^\p{L}]/gu, '');
  if (letters.length > 1 && letters === letters.toUpperCase()) return written.toUpperCase();
  const first = original.match(/\p{L}/u)?.[0];
  if (first && first !== first.toLowerCase()) return written.replace(/\p{L}/u, (c) => c.toUpperCase());
  return written;
}

/**
 * Applies replacement rules to one decoded utterance, left to right, each
 * word replaced at most once. Text where no rule's words occur comes back
 * unchanged.
 */
export function applyReplacements(text: string, rules: readonly ReplacementRule[]): string {
  if (rules.length === 0) return text;
  const byFirstWord = new Map<string, ReplacementRule[]>();
  for (const rule of rules) {
    const first = rule.heard[0] as string;
    byFirstWord.set(first, [...(byFirstWord.get(first) ?? []), rule]);
  }
  const words = wordSpans(text);
  let out = '';
  let cursor = 0;
  for (let i = 0; i < words.length; ) {
    const candidates = byFirstWord.get((words[i] as WordSpan).key) ?? [];
    const rule = candidates.find((r) => r.heard.every((word, k) => words[i + k]?.key === word));
    if (!rule) {
      i++;
      continue;
    }
    const first = words[i] as WordSpan;
    const last = words[i + rule.heard.length - 1] as WordSpan;
    out += text.slice(cursor, first.start) + cased(rule.written, text.slice(first.start, last.end));
    cursor = last.end;
    i += rule.heard.length;
  }
  return out + text.slice(cursor);
}
