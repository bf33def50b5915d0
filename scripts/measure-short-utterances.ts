/**
 * Measures how Moonshine tiny hears a command said on its own, depending on
 * how the short segment is padded or biased before decoding (the choice, and
 * the figures, are in src/engine/short-segment.ts). Development audio only: espeak-ng voices and
 * speeds that the tests do not use, cut as the segmenter cut a segment when
 * this was measured (256 ms before the speech, 128 ms after), then padded to a total length
 * with silence that is digital zeros or a low noise floor, after the speech
 * or split around it; then, unpadded, with the command phrases as a decoder
 * bias list at several bonuses, and the same bias on short prose said alone
 * (commands heard where none was said). Needs espeak-ng, sox and the models
 * (`npm install`).
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/measure-short-utterances.ts [lengths] [floors] [bonuses]
 *
 * lengths: total seconds, comma-separated (0 = the segment as cut);
 * floors: RMS of the added silence, comma-separated (0 = zeros);
 * bonuses: logit bonuses for the command bias (0, no bias, is always measured).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TermBiasing } from '../src/engine/biasing';
import { COMMAND_PHRASES } from '../src/engine/commands';
import { biasTokenizer, detokenize } from '../src/engine/tokenizer';
import { SAMPLE_RATE } from '../src/shared/types';
import { COMMAND_DEVELOPMENT, loadMoonshine, synthesise } from '../tests/integration/vocabulary-sets';

const { voices: VOICES, speeds: SPEEDS } = COMMAND_DEVELOPMENT;
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
const model = await loadMoonshine();
const clips = PHRASES.flatMap((phrase) =>
  VOICES.flatMap((voice) => SPEEDS.map((wpm) => ({ phrase, voice, wpm, audio: synthesise(dir, phrase, voice, wpm) }))),
);
const proseClips = PROSE.flatMap((phrase) =>
  VOICES.flatMap((voice) => SPEEDS.map((wpm) => ({ phrase, voice, wpm, audio: synthesise(dir, phrase, voice, wpm) }))),
);
rmSync(dir, { recursive: true, force: true });
const seconds = clips.map((c) => c.audio.length / RATE);
console.log(
  `${clips.length} clips (${PHRASES.length} phrases × ${VOICES.length} voices × ${SPEEDS.length} speeds), ` +
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
        if (text.trim() === '') empty++;
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
// COMMAND_PHRASES is the list the app uses (short-segment.ts), at the bonus given.
const COMMANDS = COMMAND_PHRASES;
const spokenCommand = (text: string) => COMMANDS.find((p) => heard(text, p));
for (const bonus of [0, ...bonuses]) {
  const biasing = bonus > 0 ? TermBiasing.build(COMMANDS, biasTokenizer, { bonus }) : null;
  let hits = 0;
  const perPhrase = new Map<string, number>();
  for (const clip of clips) {
    const text = detokenize((await model.decode(clip.audio, { biasing })).tokens);
    if (heard(text, clip.phrase)) {
      hits++;
      perPhrase.set(clip.phrase, (perPhrase.get(clip.phrase) ?? 0) + 1);
    }
  }
  const falses: string[] = [];
  for (const clip of proseClips) {
    const text = detokenize((await model.decode(clip.audio, { biasing })).tokens);
    const command = spokenCommand(text);
    if (command && !heard(clip.phrase, command)) falses.push(`${clip.phrase} → ${JSON.stringify(text)}`);
  }
  const per = PHRASES.map((p) => `${p} ${perPhrase.get(p) ?? 0}`).join(', ');
  console.log(
    `bias ${bonus}: heard ${hits}/${clips.length} (${((100 * hits) / clips.length).toFixed(0)}%) | ${per}\n` +
      `  commands in short prose: ${falses.length}/${proseClips.length} ${falses.join('; ')}`,
  );
}
