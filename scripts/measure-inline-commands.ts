/**
 * Measures whether the command phrases, as a decoder bias on every segment
 * (not only on short ones, see src/engine/short-segment.ts), help the model
 * hear punctuation commands said inside sentences, and what that costs
 * prose. Development audio only: espeak-ng voices and speeds the tests do not
 * use, sentences of our own with a 250 ms pause around each command, cut as
 * the app cuts a decode (256 ms of silence before, 128 ms after). For each
 * bonus: the sentences whose every command the model wrote as its words, the
 * parser's marks for them, and on the vocabulary development prose (no
 * commands said) the WER and the clips where a command appeared. Needs
 * espeak-ng, sox and the models (`npm install`).
 *
 *   flock /tmp/utter-heavy.lock npx tsx scripts/measure-inline-commands.ts [bonuses]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TermBiasing } from '../src/engine/biasing';
import { MARK_PHRASES, parseUtterance } from '../src/engine/commands';
import { biasTokenizer, detokenize } from '../src/engine/tokenizer';
import { cleanSegmentText } from '../src/engine/transcript';
import { wordErrorRate } from '../src/engine/wer';
import { COMMAND_DEVELOPMENT, loadMoonshine, PROSE, synthesise } from '../tests/integration/vocabulary-sets';

const { voices: VOICES, speeds: SPEEDS } = COMMAND_DEVELOPMENT;
/** "|" is a 250 ms pause. Not the tests' sentences. */
const SENTENCES = [
  'Call me tomorrow | comma | after lunch | period',
  'Did you get my letter | question mark',
  'What a lovely day | exclamation mark',
  'Bring two things | colon | a pen | semicolon | and some paper | full stop',
  'He told me | open quote | not now | close quote',
  'The answer | dash | as always | dash | was no',
  'Dear team | new line | thanks for coming',
  'That was chapter one | new paragraph | now chapter two',
  'Where is the station | question mark | over there | period',
];
/** Prose with words that sound like commands, or are them used otherwise: turned into marks more often with the bias? */
const NEAR = [
  'It is a common mistake to rush the ending.',
  'She stayed in a coma for nearly a week.',
  'Karma has a way of finding people.',
  'Colin fixed the new lime green fence.',
  'They will dash across the road at once.',
  'Open the window and close the curtains.',
  'The commander called us into his office.',
  'We stopped for a moment at the edge.',
  'The exclamation on his face said it all.',
  'A quest for more questions began.',
];
const bonuses = (process.argv[2] ?? '0,1,2,3,4').split(',').map(Number);
/** The inline marks, as the app leans towards them in longer segments (standalone commands only in short ones). */
const INLINE = MARK_PHRASES;

/** Lowercase words, punctuation and hyphens as spaces. */
const words = (text: string) =>
  ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .trim()} `;
const said = (heard: string, phrase: string) =>
  words(heard).includes(` ${phrase} `) || words(heard).includes(` ${phrase.replace(' ', '')} `);

const dir = mkdtempSync(join(tmpdir(), 'utter-inline-commands-'));
const model = await loadMoonshine();
const commandClips = SENTENCES.flatMap((text) => {
  const parts = text.split('|').map((p) => p.trim());
  const phrases = parts.filter((p) => INLINE.includes(p));
  const ssml = parts.join(' <break time="250ms"/> ');
  return VOICES.flatMap((voice) =>
    SPEEDS.map((wpm) => ({ text, phrases, voice, wpm, audio: synthesise(dir, ssml, voice, wpm, { ssml: true }) })),
  );
});
const proseClips = PROSE.dev.flatMap((text) =>
  VOICES.flatMap((voice) => SPEEDS.map((wpm) => ({ text, voice, wpm, audio: synthesise(dir, text, voice, wpm) }))),
);
const nearClips = NEAR.flatMap((text) =>
  VOICES.flatMap((voice) => SPEEDS.map((wpm) => ({ text, voice, wpm, audio: synthesise(dir, text, voice, wpm) }))),
);
rmSync(dir, { recursive: true, force: true });

for (const bonus of bonuses) {
  const biasing = bonus > 0 ? TermBiasing.buildGroups([{ terms: INLINE, bonus }], biasTokenizer) : null;
  const hear = async (audio: Float32Array) => detokenize((await model.decode(audio, { biasing })).tokens);
  let heard = 0;
  let phrasesHeard = 0;
  let phrasesTotal = 0;
  const missed: string[] = [];
  for (const clip of commandClips) {
    const text = await hear(clip.audio);
    const got = clip.phrases.filter((p) => said(text, p)).length;
    phrasesHeard += got;
    phrasesTotal += clip.phrases.length;
    if (got === clip.phrases.length) heard++;
    else missed.push(`  ${clip.voice}@${clip.wpm} ${JSON.stringify(text)}`);
  }
  let edits = 0;
  let refWords = 0;
  const turned: string[] = [];
  for (const clip of proseClips) {
    const text = await hear(clip.audio);
    const r = wordErrorRate(clip.text, text);
    edits += r.substitutions + r.deletions + r.insertions;
    refWords += r.refWords;
    const clean = cleanSegmentText(text);
    const parsed = parseUtterance(clean);
    if (parsed.kind !== 'text' || parsed.text !== clean)
      turned.push(`  ${clip.voice}@${clip.wpm} ${JSON.stringify(text)}`);
  }
  const nearTurned: string[] = [];
  for (const clip of nearClips) {
    const text = await hear(clip.audio);
    const clean = cleanSegmentText(text);
    const parsed = parseUtterance(clean);
    if (parsed.kind !== 'text' || parsed.text !== clean)
      nearTurned.push(`  ${clip.voice}@${clip.wpm} ${JSON.stringify(text)} → ${JSON.stringify(parsed)}`);
  }
  console.log(`bonus ${bonus}: near-command prose turned into commands ${nearTurned.length}/${nearClips.length}`);
  if (process.env.VERBOSE) console.log(nearTurned.join('\n'));
  console.log(
    `bonus ${bonus}: sentences with every command heard ${heard}/${commandClips.length}, ` +
      `commands heard ${phrasesHeard}/${phrasesTotal}; prose WER ${((100 * edits) / refWords).toFixed(2)}% ` +
      `of ${refWords} words, ${turned.length}/${proseClips.length} prose clips turned into commands`,
  );
  if (process.env.VERBOSE) console.log(`missed:\n${missed.join('\n')}\nturned:\n${turned.join('\n')}`);
}
