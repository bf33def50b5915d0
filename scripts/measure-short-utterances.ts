/**
 * Measures how Moonshine tiny hears a command said on its own, depending on
 * how the short segment is padded or biased before decoding (the choice, and
 * the figures, are in src/engine/short-segment.ts). Development audio only:
 * espeak-ng voices and speeds that the tests do not use (or, with `flite`,
 * other synthesisers the tests do not use), cut as the segmenter cut a
 * segment when this was measured (256 ms before the speech, 128 ms after),
 * then padded to a total length with silence that is digital zeros or a
 * low noise floor, after the speech or split around it; then, unpadded,
 * with the command phrases as a decoder bias list at several bonuses, and
 * the same bias on short prose said alone (commands heard where none was
 * said). The bias section decodes each clip much as the app does: the span
 * anchored to the speech (speech-anchor.ts), but without the app's draft and
 * final guard, and the clip ends 128 ms after the speech where the anchor
 * would keep 160. It counts a command as heard when the parser makes of it
 * what was said, as decoded and after the app's second look at a short final
 * (second-look.ts: a command for one that is none, words for one ended at
 * once). Needs sox, the models (`npm
 * install`), and espeak-ng, or for `flite` flite, festival and
 * festvox-us-slt-hts (apt-get).
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/measure-short-utterances.ts [lengths] [floors] [bonuses] [espeak|flite] [non-speech-dir]
 *
 * lengths: total seconds, comma-separated (0 = the segment as cut);
 * floors: RMS of the added silence, comma-separated (0 = zeros);
 * bonuses: logit bonuses for the command bias (0, no bias, is always measured);
 * espeak|flite: espeak-ng's voices (the default), or flite's slt, rms, awb
 * and kal16 and festival's HTS slt, each at its own pace and made 15 % faster
 * by sox (tempo, pitch kept);
 * non-speech-dir: WAVs of sounds that are not speech, played through Silero
 * and the Segmenter and decoded as the app decodes them: what is written,
 * and whether the second look makes a command or words of it. Ours (not committed) were 142
 * clips of coughing, breathing, sneezing, laughing, throat clearing, snoring,
 * keyboards, clicks, knocks and the like from ESC-50 (CC BY-NC 3.0), the
 * DCASE2016 task 2 office sounds and Deeply's Nonverbal Vocalization set (CC
 * BY-NC-ND 4.0), converted to 16 kHz mono by sox.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TermBiasing } from '../src/engine/biasing';
import { CommandRescue } from '../src/engine/command-rescue';
import { COMMAND_PHRASES, parseUtterance } from '../src/engine/commands';
import { secondLook } from '../src/engine/second-look';
import { DecodeBiasing } from '../src/engine/short-segment';
import { anchorToSpeech } from '../src/engine/speech-anchor';
import { biasTokenizer, detokenize } from '../src/engine/tokenizer';
import { cleanSegmentText } from '../src/engine/transcript';
import { SAMPLE_RATE } from '../src/shared/types';
import { loadSilero, segmentEnds } from '../tests/integration/segment-audio';
import {
  COMMAND_DEVELOPMENT,
  loadMoonshine,
  readSpeech16k,
  readWav16k,
  synthesise,
} from '../tests/integration/vocabulary-sets';

const { voices: ESPEAK_VOICES, speeds: ESPEAK_SPEEDS } = COMMAND_DEVELOPMENT;
const PHRASES = [
  'comma',
  'period',
  'full stop',
  'question mark',
  'exclamation point',
  'colon',
  'semicolon',
  'dash',
  'new line',
  'new paragraph',
  'scratch that',
  'delete that',
  'undo that',
  'stop dictation',
  'stop listening',
];
const RATE = SAMPLE_RATE;

const lengths = (process.argv[2] ?? '0,1,1.5,2').split(',').map(Number);
const floors = (process.argv[3] ?? '0,0.001').split(',').map(Number);
const bonuses = (process.argv[4] ?? '2,3,4,5,6').split(',').map(Number);
const synthesiser = process.argv[5] ?? 'espeak';
/** A directory of non-speech WAVs (see the header), or none. */
const nonSpeechDir = process.argv[6];
if (synthesiser !== 'espeak' && synthesiser !== 'flite') throw new Error(`voices: espeak or flite, not ${synthesiser}`);

/** One voice at one pace: how a phrase is spoken into a clip cut like a segment. */
interface Speaker {
  name: string;
  say(dir: string, text: string): Float32Array;
}

const ESPEAK: Speaker[] = ESPEAK_VOICES.flatMap((voice) =>
  ESPEAK_SPEEDS.map((wpm) => ({
    name: `${voice}@${wpm}`,
    say: (dir: string, text: string) => synthesise(dir, text, voice, wpm),
  })),
);

/** flite's voices and festival's HTS voice, at their own pace and 15 % faster (sox: festival's HTS ignores its stretch). */
const OTHERS: Speaker[] = ['slt', 'rms', 'awb', 'kal16', 'festival-slt'].flatMap((voice) =>
  [1, 1.15].map((tempo) => ({
    name: `${voice}×${tempo}`,
    say: (dir: string, text: string) => {
      const wav = join(dir, 'other.wav');
      if (voice === 'festival-slt') {
        const script = join(dir, 'text.txt');
        writeFileSync(script, text);
        execFileSync('text2wave', ['-eval', '(voice_cmu_us_slt_arctic_hts)', script, '-o', wav]);
      } else {
        execFileSync('flite', ['-voice', voice, '-t', text, '-o', wav]);
      }
      if (tempo === 1) return readSpeech16k(dir, wav);
      const faster = join(dir, 'faster.wav');
      execFileSync('sox', [wav, faster, 'tempo', String(tempo)]);
      return readSpeech16k(dir, faster);
    },
  })),
);
const SPEAKERS = synthesiser === 'flite' ? OTHERS : ESPEAK;
/** Short prose said alone, to count commands heard where none was said. */
const PROSE = [
  'yes',
  'no',
  'okay',
  'thank you',
  'hello',
  'coming',
  'common',
  'next line',
  'see you then',
  'sounds good',
  'the period',
  'I am done',
  'stop',
  'that is all',
  'not that',
  'sure',
  'right',
  'maybe',
  'great',
  'fine',
  'wait',
  'really',
  'why',
  'good night',
  'me too',
];
const placements = ['after', 'around'] as const;

/** Seeded so every run pads with the same noise. */
function noise(length: number, rms: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let s = seed >>> 0 || 1;
  const uniform = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  // Sum of 4 uniforms: near-Gaussian, variance 4/12.
  const scale = rms / Math.sqrt(4 / 12);
  for (let i = 0; i < length; i++) out[i] = (uniform() + uniform() + uniform() + uniform() - 2) * scale;
  return out;
}

function pad(audio: Float32Array, seconds: number, floor: number, placement: 'after' | 'around'): Float32Array {
  const total = Math.round(seconds * RATE);
  if (total <= audio.length) return audio;
  const out = floor > 0 ? noise(total, floor, audio.length) : new Float32Array(total);
  const before = placement === 'after' ? 0 : Math.floor((total - audio.length) / 2);
  out.set(audio, before);
  return out;
}

function words(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .trim()} `;
}
function heard(text: string, phrase: string): boolean {
  const said = words(text);
  return said.includes(` ${phrase} `) || said.includes(` ${phrase.replace(' ', '')} `);
}

const dir = mkdtempSync(join(tmpdir(), 'utter-short-'));
const spoken = (phrase: string) =>
  SPEAKERS.map((speaker) => ({ phrase, speaker: speaker.name, audio: speaker.say(dir, phrase) }));
let clips: ReturnType<typeof spoken>;
let proseClips: ReturnType<typeof spoken>;
try {
  clips = PHRASES.flatMap(spoken);
  proseClips = PROSE.flatMap(spoken);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const model = await loadMoonshine();
const seconds = clips.map((c) => c.audio.length / RATE);
console.log(
  `${clips.length} clips (${PHRASES.length} phrases × ${SPEAKERS.length} voices and paces), ` +
    `segment ${Math.min(...seconds).toFixed(2)}–${Math.max(...seconds).toFixed(2)} s`,
);

for (const seconds of lengths) {
  for (const floor of seconds === 0 ? [0] : floors) {
    for (const placement of seconds === 0 ? (['after'] as const) : placements) {
      const perPhrase = new Map<string, number>();
      let hits = 0;
      let empty = 0;
      for (const clip of clips) {
        const text = detokenize((await model.decode(pad(clip.audio, seconds, floor, placement))).tokens);
        if (cleanSegmentText(text) === '') empty++;
        if (heard(text, clip.phrase)) {
          hits++;
          perPhrase.set(clip.phrase, (perPhrase.get(clip.phrase) ?? 0) + 1);
        }
      }
      const per = PHRASES.map((p) => `${p} ${perPhrase.get(p) ?? 0}`).join(', ');
      const label = seconds === 0 ? 'as cut' : `${seconds} s ${placement} floor ${floor}`;
      console.log(
        `${label.padEnd(28)} heard ${hits}/${clips.length} (${((100 * hits) / clips.length).toFixed(0)}%), empty ${empty} | ${per}`,
      );
    }
  }
}

// The command phrases as a bias list (src/engine/biasing.ts), for the short segment only:
// recall of commands said alone, and commands heard in short prose where none was said.
// COMMAND_PHRASES is the list the app uses (short-segment.ts), at the bonus given. Each clip
// is decoded much as RingTranscriber decodes a segment: the span anchored to the speech.
const asDecoded = (audio: Float32Array) => {
  const { start, end } = anchorToSpeech(audio);
  return audio.subarray(start, end);
};
/**
 * The text of a clip decoded much as the app decodes a segment, with the given
 * bias, and then as the app's command rescue leaves it (command-rescue.ts).
 */
const decodedText = async (audio: Float32Array, biasing: TermBiasing | null, anchored = false) => {
  const span = anchored ? audio : asDecoded(audio);
  const result = await model.decode(span, { biasing, keepEncoding: true });
  const started = performance.now();
  const rescued = await secondLook({ audio: span, result, rescue, model, shouldContinue: () => true });
  secondLookMs.push(performance.now() - started);
  return { text: detokenize(result.tokens), rescued, endedAtOnce: result.finished && result.tokens.length === 0 };
};
/** Short prose said alone that came back empty, and what the second look made of it. */
function wordsBack(results: { phrase: string; text: string; rescued: string }[]) {
  const lost = results.filter(({ text }) => cleanSegmentText(text) === '');
  const back = lost.filter(({ rescued }) => cleanSegmentText(rescued) !== '');
  const right = back.filter(({ phrase, rescued }) => words(rescued) === words(phrase));
  const list = back.map(({ phrase, rescued }) => `${phrase} → ${JSON.stringify(rescued)}`).join('; ');
  return `${lost.length} empty, ${back.length} got words back (${right.length} the words said) ${list}`;
}
/** How long each second look took, the first decode excluded. */
const secondLookMs: number[] = [];
const rescue = CommandRescue.build(biasTokenizer);
/** What the app makes of the text: a command's action or mark, or the words. */
const parsed = (text: string) => JSON.stringify(parseUtterance(cleanSegmentText(text)));
/** Commands heard in clips of `clips`, and what was heard instead. */
function tally(results: { phrase: string; speaker: string; text: string }[]) {
  const perPhrase = new Map<string, number>();
  const misses: string[] = [];
  for (const { phrase, speaker, text } of results) {
    if (parsed(text) === parsed(phrase)) perPhrase.set(phrase, (perPhrase.get(phrase) ?? 0) + 1);
    else misses.push(`${phrase} (${speaker}) → ${JSON.stringify(text)}`);
  }
  const hits = results.length - misses.length;
  const per = PHRASES.map((p) => `${p} ${perPhrase.get(p) ?? 0}`).join(', ');
  return `heard ${hits}/${results.length} (${((100 * hits) / results.length).toFixed(0)}%) | ${per}\n  missed: ${misses.join('; ')}`;
}
/** Short prose clips whose text the parser takes for a command. */
function commandsIn(results: { phrase: string; speaker: string; text: string }[]) {
  const falses = results
    .filter(({ text }) => parsed(text) !== JSON.stringify({ kind: 'text', text: cleanSegmentText(text) }))
    .map(({ phrase, speaker, text }) => `${phrase} (${speaker}) → ${JSON.stringify(text)}`);
  return `${falses.length}/${results.length} ${falses.join('; ')}`;
}
for (const bonus of [0, ...bonuses]) {
  const biasing = bonus > 0 ? TermBiasing.build(COMMAND_PHRASES, biasTokenizer, { bonus }) : null;
  const decoded = async (set: typeof clips) => {
    const out = [];
    for (const clip of set) out.push({ ...clip, ...(await decodedText(clip.audio, biasing)) });
    return out;
  };
  const commands = await decoded(clips);
  const prose = await decoded(proseClips);
  const empty = commands.filter(({ text }) => cleanSegmentText(text) === '').length;
  const rescued = (set: typeof commands) => set.map((r) => ({ ...r, text: r.rescued }));
  // Text that is already a command, or has a command's word, is not looked at again: under a millisecond.
  const sorted = secondLookMs
    .splice(0)
    .filter((ms) => ms >= 1)
    .sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]?.toFixed(0);
  const timing = `${sorted.length} clips looked at again: ${at(0.5)} ms median, ${at(0.9)} at p90, ${at(1)} at most`;
  console.log(
    `bias ${bonus}: empty ${empty}, ${tally(commands)}\n` +
      `  commands in short prose: ${commandsIn(prose)}\n` +
      `bias ${bonus} and the second look (${timing}): ${tally(rescued(commands))}\n` +
      `  commands in short prose: ${commandsIn(rescued(prose))}\n` +
      `  short prose: ${wordsBack(prose)}; commands: ${wordsBack(commands)}`,
  );
}

// Non-speech (coughs, breaths, laughs, keyboards…) that Silero takes for speech reaches the
// decoder as a short segment too: what the app writes for it, and whether the rescue turns it
// into a command. Each clip is played behind 1 s of silence through Silero and the Segmenter,
// as RingTranscriber decodes a final (commands on: the app's bias by length, then the rescue).
if (nonSpeechDir) {
  const vad = await loadSilero();
  const app = DecodeBiasing.build([], true, biasTokenizer);
  const scratch = mkdtempSync(join(tmpdir(), 'utter-nonspeech-'));
  const files = readdirSync(nonSpeechDir).filter((f) => f.endsWith('.wav'));
  let segments = 0;
  const written: string[] = [];
  let commands = 0;
  let rescuedCommands = 0;
  let endedAtOnce = 0;
  try {
    for (const file of files) {
      const clip = readWav16k(scratch, join(nonSpeechDir, file));
      const played = new Float32Array(2 * RATE + clip.length);
      played.set(clip, RATE);
      const ends = await segmentEnds(vad, played);
      for (const end of ends) {
        const span = asDecoded(played.subarray(end.startSample, end.endSample));
        if (span.length < 1600) continue; // RingTranscriber decodes nothing this short
        segments++;
        const { text, rescued: asApp, endedAtOnce: ended } = await decodedText(span, app.forSamples(span.length), true);
        if (ended) endedAtOnce++;
        if (cleanSegmentText(asApp) !== '') written.push(`${file} → ${JSON.stringify(asApp)}`);
        const isCommand = (t: string) => parsed(t) !== JSON.stringify({ kind: 'text', text: cleanSegmentText(t) });
        if (isCommand(text)) commands++;
        if (isCommand(asApp)) rescuedCommands++;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(
    `non-speech: ${files.length} clips, ${segments} segments decoded, ${endedAtOnce} ended at once; ` +
      `text written after the second look for ${written.length}: ${written.join('; ')}\n` +
      `  commands: ${commands} as decoded, ${rescuedCommands} after the second look`,
  );
}
