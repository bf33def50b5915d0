import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUtterance, type Utterance } from '../../src/engine/commands';
import type { MoonshineModel } from '../../src/engine/moonshine';
import { secondLook } from '../../src/engine/second-look';
import { DecodeBiasing, SHORT_SEGMENT_SAMPLES } from '../../src/engine/short-segment';
import { anchorToSpeech } from '../../src/engine/speech-anchor';
import { biasTokenizer, detokenize } from '../../src/engine/tokenizer';
import { cleanSegmentText } from '../../src/engine/transcript';
import { wordErrorRate } from '../../src/engine/wer';
import { loadMoonshine, PROSE, SPEED, synthesise } from './vocabulary-sets';

// The real Moonshine tiny models on spoken commands, synthesised with
// espeak-ng (several voices and speeds) and cut about as the app cuts a
// segment's decode: the speech with 256 ms of silence before and 128 ms after
// (the app: 240 and 160, src/engine/speech-anchor.ts). Pauses inside an utterance are SSML breaks. Decoded as the
// app decodes a final: short segments lean towards the command phrases
// (short-segment.ts), and a short final gets the app's second look
// (second-look.ts: a command for one that is none, words for one the model
// ended at once). Their development set is
// scripts/measure-short-utterances.ts, other voices and speeds than these.
const VOICES = ['en-us', 'en-gb', 'en+f3', 'en+m3'];

let dir: string;
let model: MoonshineModel;
const biasing = DecodeBiasing.build([], true, biasTokenizer);

async function hear(ssml: string, voice: string, wpm: number): Promise<{ heard: string; parsed: Utterance }> {
  const audio = synthesise(dir, ssml, voice, wpm, { ssml: true });
  const result = await model.decode(audio, { biasing: biasing.forSamples(audio.length), keepEncoding: true });
  // A short segment's final gets the app's second look (second-look.ts).
  const rescue = biasing.rescueFor(audio.length);
  const heard = await secondLook({ audio, result, rescue, model, shouldContinue: () => true });
  return { heard, parsed: parseUtterance(cleanSegmentText(heard)) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'utter-commands-'));
  model = await loadMoonshine();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lowercase words of a text, punctuation and hyphens as spaces. */
function words(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .trim()} `;
}

/** The model heard the spoken phrase: its words are all there, in a row (a one-word spelling counts). */
function heardPhrase(heard: string, phrase: string): boolean {
  const said = words(heard);
  return said.includes(` ${phrase} `) || said.includes(` ${phrase.replace(' ', '')} `);
}

/** Is `wanted` a subsequence of `text`'s marks? The model may add commas of its own elsewhere. */
function hasMarksInOrder(text: string, wanted: readonly string[]): boolean {
  let at = 0;
  for (const mark of wanted) {
    const found = text.indexOf(mark, at);
    if (found < 0) return false;
    at = found + mark.length;
  }
  return true;
}

interface Case {
  ssml: string;
  /** The command phrases spoken, in order. */
  phrases: readonly string[];
  /** What the parser must give when the model heard them. */
  check: (parsed: Utterance) => boolean;
}

const MARK: Record<string, string> = {
  comma: ',',
  period: '.',
  'full stop': '.',
  'question mark': '?',
  'exclamation point': '!',
  'exclamation mark': '!',
  colon: ':',
  semicolon: ';',
  'open quote': '"',
  'close quote': '"',
  dash: '\u2014',
  'new line': '\n',
  'new paragraph': '\n\n',
};
const ACTION: Record<string, Utterance['kind']> = {
  'scratch that': 'scratch',
  'delete that': 'scratch',
  'undo that': 'undo',
  'stop dictation': 'stop',
  'stop listening': 'stop',
};

const ALONE: Case[] = [...Object.keys(MARK), ...Object.keys(ACTION)].map((phrase) => ({
  ssml: phrase,
  phrases: [phrase],
  check: (parsed) =>
    phrase in ACTION ? parsed.kind === ACTION[phrase] : parsed.kind === 'text' && parsed.text === MARK[phrase],
}));

/** A sentence with commands at short pauses ("|" is a 250 ms pause, as people pause around "comma"). */
function sentence(text: string): Case {
  const parts = text.split('|').map((p) => p.trim());
  const phrases = parts.filter((p) => p in MARK);
  return {
    ssml: parts.join(' <break time="250ms"/> '),
    phrases,
    check: (parsed) =>
      parsed.kind === 'text' &&
      hasMarksInOrder(
        parsed.text,
        phrases.map((p) => MARK[p] as string),
      ) &&
      !phrases.some((p) => heardPhrase(parsed.text, p)),
  };
}

const IN_SENTENCES: Case[] = [
  'I went home | comma | then I slept | period',
  'Are you coming | question mark',
  'That is great | exclamation point',
  'Buy three things | colon | milk | comma | eggs | semicolon | and bread | full stop',
  'She said | open quote | hello there | close quote',
  'It was late | dash | very late | exclamation mark',
  'First item | new line | second item',
  'End of part one | new paragraph | part two begins',
  'Is it done | question mark | yes it is | period',
].map(sentence);

/**
 * Runs the cases on every voice. Returns how many the model heard, and the
 * heard cases the parser got wrong (which must be none).
 */
async function run(cases: readonly Case[]): Promise<{ heard: number; total: number; wrong: string[]; log: string[] }> {
  let heard = 0;
  let total = 0;
  const wrong: string[] = [];
  const log: string[] = [];
  for (const c of cases) {
    for (const voice of VOICES) {
      const result = await hear(c.ssml, voice, 165);
      total++;
      const all = c.phrases.every((p) => heardPhrase(result.heard, p));
      log.push(
        `${all ? 'heard ' : 'missed'} ${voice.padEnd(6)} ${c.phrases.join(' + ').padEnd(30)} ${JSON.stringify(result.heard)}`,
      );
      if (!all) continue;
      heard++;
      if (!c.check(result.parsed))
        wrong.push(`${voice} ${JSON.stringify(result.heard)} → ${JSON.stringify(result.parsed)}`);
    }
  }
  return { heard, total, wrong, log };
}

describe('voice commands on what the real model writes', () => {
  it('spoken alone: every command the model heard becomes the intended mark or action', {
    timeout: 180_000,
  }, async () => {
    const { heard, total, wrong, log } = await run(ALONE);
    console.log(`alone: the model heard ${heard}/${total}\n${log.join('\n')}`);
    expect(wrong, wrong.join('\n')).toEqual([]);
    // So the check above is not vacuous, and the command bias and rescue on
    // short segments keep working. Alone, the synthesised words are hard for
    // Moonshine tiny ("comma" → "Coming.", "colon" → "Colin,"); measured 28 of
    // 72 without the bias, 59 with it, 61 with the second look too
    // (2026-12-01; still missed: "undo that" in all four voices, "dash" in
    // three, "period", "exclamation mark", "semicolon" and "open quote", whose
    // decode ran out of tokens, in one each). Audio and decoding are
    // deterministic.
    expect(heard).toBeGreaterThanOrEqual(61);
  });

  it('short prose said alone, decoded with the command bias, gives no command', { timeout: 180_000 }, async () => {
    // Not the development script's prose; words near the commands' sounds
    // included. The trade-off: a near-homophone said alone is taken for the
    // command ("new lime" → "New line." in three voices of four).
    const PROSE_ALONE = [
      'good morning',
      'call me later',
      'all right',
      'thanks a lot',
      'let me think',
      'comic',
      'the end',
      'scratch the cat',
      'perhaps',
    ];
    const commands: string[] = [];
    for (const text of PROSE_ALONE) {
      for (const voice of VOICES) {
        const { heard, parsed } = await hear(text, voice, 165);
        const clean = cleanSegmentText(heard);
        if (parsed.kind !== 'text' || parsed.text !== clean)
          commands.push(`${voice} ${text}: ${JSON.stringify(heard)}`);
      }
    }
    expect(commands, commands.join('\n')).toEqual([]);
  });

  it('inside sentences: every command the model heard becomes the intended mark', { timeout: 180_000 }, async () => {
    const { heard, total, wrong, log } = await run(IN_SENTENCES);
    console.log(`in sentences: the model heard ${heard}/${total}\n${log.join('\n')}`);
    expect(wrong, wrong.join('\n')).toEqual([]);
    // As above. Measured (every command of the sentence heard): 23 of 36
    // before sentences leaned towards the marks (short-segment.ts), 32 since.
    expect(heard).toBeGreaterThanOrEqual(30);
  });

  it('prose in sentences, decoded leaning towards the marks, gives no mark and the same words', {
    timeout: 180_000,
  }, async () => {
    // The held-out prose of the vocabulary sets: no command words in it.
    const turned: string[] = [];
    let editsWith = 0;
    let editsWithout = 0;
    let words = 0;
    for (const text of PROSE.heldOut) {
      for (const voice of VOICES) {
        const audio = synthesise(dir, text, voice, SPEED.heldOut);
        expect(audio.length).toBeGreaterThan(SHORT_SEGMENT_SAMPLES);
        const leaning = detokenize((await model.decode(audio, { biasing: biasing.forSamples(audio.length) })).tokens);
        const plain = detokenize((await model.decode(audio, { biasing: null })).tokens);
        const clean = cleanSegmentText(leaning);
        const parsed = parseUtterance(clean);
        if (parsed.kind !== 'text' || parsed.text !== clean) turned.push(`${voice} ${JSON.stringify(leaning)}`);
        const withBias = wordErrorRate(text, leaning);
        editsWith += withBias.substitutions + withBias.deletions + withBias.insertions;
        const withoutBias = wordErrorRate(text, plain);
        editsWithout += withoutBias.substitutions + withoutBias.deletions + withoutBias.insertions;
        words += withBias.refWords;
      }
    }
    console.log(
      `prose WER ${((100 * editsWith) / words).toFixed(2)}% leaning, ${((100 * editsWithout) / words).toFixed(2)}% not`,
    );
    expect(turned, turned.join('\n')).toEqual([]);
    expect((100 * (editsWith - editsWithout)) / words).toBeLessThanOrEqual(0.5);
  });
});

describe('short words said alone that the model ends at once', () => {
  it('get words back from the second look', { timeout: 60_000 }, async () => {
    // Test voices, not the development set the thresholds came from. Of 80
    // short words said alone in these voices (2026-12-01), 10 ended at once:
    // 6 got words back, 2 of them the words said ("Maybe.", "Bye"); the
    // others "I." for "hi" and "fine", "Kilmore." for "cool".
    for (const word of ['maybe', 'bye']) {
      const audio = synthesise(dir, word, 'en+f3', 165);
      const span = audio.subarray(anchorToSpeech(audio).start, anchorToSpeech(audio).end);
      const result = await model.decode(span, { biasing: biasing.forSamples(span.length), keepEncoding: true });
      expect(result.tokens, `${word}: the model no longer ends it at once`).toEqual([]);
      const look = { audio: span, result, rescue: biasing.rescueFor(span.length), model, shouldContinue: () => true };
      expect(words(await secondLook(look))).toBe(` ${word} `);
    }
  });
});
