/**
 * Our own speech for the vocabulary feature, synthesised with espeak-ng: rare
 * names, product words and jargon in sentences, and general prose without
 * any of them. Each has two halves:
 * - `dev`: what the bias was tuned on (scripts/tune-vocabulary-bias.ts);
 * - `heldOut`: other sentences at another speed, which only the integration
 *   test (vocabulary-biasing.test.ts) decodes.
 * Nothing here is test-fixture audio.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { type DecodeOptions, MoonshineModel } from '../../src/engine/moonshine';
import { type GraphOptimization, WASM_GRAPH_OPTIMIZATION } from '../../src/engine/onnx';
import { normalizeForWer } from '../../src/engine/wer';

export const VOICES = ['en-us', 'en-gb', 'en+f3', 'en+m3'];
/** Words per minute: the held-out half is spoken at another speed. */
export const SPEED = { dev: 165, heldOut: 150 };

/**
 * The voice commands' development voices and speeds
 * (scripts/measure-short-utterances.ts, scripts/measure-inline-commands.ts):
 * none of the tests' (the four above, at 150–165 wpm).
 */
export const COMMAND_DEVELOPMENT = {
  voices: ['en-gb-x-rp', 'en-us+f2', 'en+m1', 'en-gb-scotland', 'en-029'],
  speeds: [140, 185],
} as const;

export interface TermSentences {
  term: string;
  dev: string;
  heldOut: string;
}

/** The listed terms, each in a development sentence and a held-out one. */
export const TERM_SENTENCES: TermSentences[] = [
  {
    term: 'Siobhan',
    dev: 'Please forward the contract to Siobhan before Friday.',
    heldOut: 'Siobhan will lead the meeting tomorrow morning.',
  },
  {
    term: 'Okonkwo',
    dev: 'Doctor Okonkwo reviewed the scans this afternoon.',
    heldOut: 'We had lunch with the Okonkwo family.',
  },
  {
    term: 'Nguyen',
    dev: 'Mister Nguyen called about the delivery.',
    heldOut: 'The report was written by Linh Nguyen.',
  },
  {
    term: 'Kowalczyk',
    dev: 'Anna Kowalczyk joined the team in March.',
    heldOut: 'Send the invoice to Kowalczyk and partners.',
  },
  {
    term: 'Kubernetes',
    dev: 'We deploy every service on Kubernetes now.',
    heldOut: 'The Kubernetes cluster ran out of memory.',
  },
  {
    term: 'PyTorch',
    dev: 'The model was trained with PyTorch on two machines.',
    heldOut: 'Install PyTorch before running the script.',
  },
  {
    term: 'Grafana',
    dev: 'Open the Grafana dashboard to see the latency.',
    heldOut: 'Grafana shows the error rate for each region.',
  },
  {
    term: 'Figma',
    dev: 'The designs for the new page are in Figma.',
    heldOut: 'She shared a Figma link with the client.',
  },
  {
    term: 'Supabase',
    dev: 'The app stores its data in Supabase.',
    heldOut: 'We moved the login system to Supabase last week.',
  },
  { term: 'Zendesk', dev: 'Customers open tickets through Zendesk.', heldOut: 'Check Zendesk for new complaints.' },
  {
    term: 'idempotent',
    dev: 'The request handler must be idempotent.',
    heldOut: 'Make the migration idempotent so it can run twice.',
  },
  {
    term: 'tachycardia',
    dev: 'The patient showed signs of tachycardia.',
    heldOut: 'Tachycardia can follow a high fever.',
  },
  {
    term: 'anticoagulant',
    dev: 'He was prescribed an anticoagulant after surgery.',
    heldOut: 'Stop the anticoagulant two days before the procedure.',
  },
  {
    term: 'eigenvalue',
    dev: 'Compute the largest eigenvalue of the matrix.',
    heldOut: 'Each eigenvalue is real for a symmetric matrix.',
  },
  {
    term: 'Thessaloniki',
    dev: 'Our next conference is in Thessaloniki.',
    heldOut: 'The flight to Thessaloniki was delayed.',
  },
  { term: 'quinoa', dev: 'Add the quinoa to the salad.', heldOut: 'Quinoa cooks in about fifteen minutes.' },
  {
    term: 'Jupyter Notebook',
    dev: 'Open the Jupyter Notebook and run every cell.',
    heldOut: 'Share the Jupyter Notebook with the team.',
  },
];

/** General prose with none of the terms below. */
export const PROSE = {
  dev: [
    'The weather turned cold just after the harvest was brought in.',
    'She walked to the station and waited for the early train.',
    'Our neighbours planted a row of apple trees along the fence.',
    'He reads the newspaper every morning with a cup of tea.',
    'The children built a small boat out of old wooden boxes.',
    'Please remember to lock the back door before you leave.',
    'The museum opens at nine and closes early on Sundays.',
    'We spent the whole afternoon painting the kitchen walls.',
    'The river rose quickly after three days of heavy rain.',
    'My brother bought a second hand bicycle from a friend.',
    'The library has a quiet room on the top floor.',
    'They decided to sell the house and move closer to the sea.',
  ],
  heldOut: [
    'The garden looks lovely in the spring when the tulips open.',
    'He forgot his umbrella on the bus again this morning.',
    'Dinner will be ready in about twenty minutes.',
    'The old bridge was closed for repairs during the summer.',
    'She teaches music at the primary school in the village.',
    'We watched the sun go down behind the hills.',
    'The shop on the corner sells fresh bread and cheese.',
    'Our team finished the project a week ahead of schedule.',
    'The baby finally fell asleep after a long walk in the park.',
    'I need to buy stamps and envelopes at the post office.',
    'The mountain path was steep and covered with loose stones.',
    'They painted the front door a bright shade of green.',
  ],
};

/** Fifty terms that occur nowhere in the prose: the list must not cost it words. */
export const UNRELATED_TERMS = [
  'Anya Petrova',
  'Bjorn',
  'Ximena',
  'Oyelaran',
  'Tanaka',
  'Wojciech',
  'Saoirse',
  'Dmitri',
  'Ngozi',
  'Leilani',
  'Kafka',
  'Redis',
  'Terraform',
  'Ansible',
  'Jenkins',
  'Nginx',
  'Elasticsearch',
  'MongoDB',
  'Svelte',
  'Django',
  'Flask',
  'Pandas',
  'NumPy',
  'TensorFlow',
  'Keras',
  'scikit-learn',
  'Matplotlib',
  'Tableau',
  'Salesforce',
  'HubSpot',
  'Asana',
  'Trello',
  'Notion',
  'Slack',
  'Zoom',
  'Airtable',
  'Shopify',
  'Stripe',
  'Twilio',
  'hyperparameter',
  'bradycardia',
  'stenosis',
  'angioplasty',
  'pharmacokinetics',
  'heteroskedasticity',
  'monad',
  'functor',
  'endpoint',
  'microservice',
  'Kotlin',
];

/** Human recordings shipped with pocketsphinx (LibriVox and a command): prose no one tuned on. */
export const HUMAN_PROSE_DIR = '/usr/share/pocketsphinx/test/data';
export const HUMAN_PROSE: { file: string; text: string }[] = [
  {
    file: 'librivox/sense_and_sensibility_01_austen_64kb-0870.wav',
    text: 'and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them',
  },
  { file: 'librivox/sense_and_sensibility_01_austen_64kb-0880.wav', text: 'he was not an ill disposed young man' },
  {
    file: 'librivox/sense_and_sensibility_01_austen_64kb-0890.wav',
    text: 'unless to be rather cold hearted and rather selfish is to be ill disposed',
  },
  {
    file: 'librivox/sense_and_sensibility_01_austen_64kb-0920.wav',
    text: 'had he married a more a amiable woman he might have been made still more respectable than he was',
  },
  {
    file: 'librivox/sense_and_sensibility_01_austen_64kb-0930.wav',
    text: 'he might even have been made amiable himself',
  },
];

/**
 * 16 kHz mono speech, cut about as the app cuts a segment's decode: espeak's
 * silence trimmed, then 256 ms before and 128 ms after (the app: 240 and 160,
 * src/engine/speech-anchor.ts). No dither, so the
 * same text gives the same audio every run. With `ssml`, the text is SSML
 * (pauses inside an utterance as `<break>`).
 */
export function synthesise(
  dir: string,
  text: string,
  voice: string,
  wpm: number,
  { ssml = false }: { ssml?: boolean } = {},
): Float32Array {
  const wav = join(dir, 'speech.wav');
  const markup = ssml ? ['-m'] : [];
  execFileSync('espeak-ng', ['-v', voice, '-s', String(wpm), ...markup, '-w', wav, text]);
  return soxTo16k(dir, wav, ['pad', '0.256', '0.128'], true);
}

/** A recording's speech cut like a segment (as `synthesise` does), as 16 kHz mono floats. */
export function readSpeech16k(dir: string, wav: string): Float32Array {
  return soxTo16k(dir, wav, ['pad', '0.256', '0.128'], true);
}

/** Raw signed 16-bit little-endian mono PCM at 16 kHz (pocketsphinx's `.raw` files), as floats. */
export function readRaw16k(path: string): Float32Array {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const audio = new Float32Array(bytes.byteLength >> 1);
  for (let i = 0; i < audio.length; i++) audio[i] = view.getInt16(i * 2, true) / 32768;
  return audio;
}

/** A WAV file as 16 kHz mono floats. */
export function readWav16k(dir: string, wav: string): Float32Array {
  return soxTo16k(dir, wav, [], false);
}

function soxTo16k(dir: string, wav: string, effects: string[], trim: boolean): Float32Array {
  const raw = join(dir, 'speech.raw');
  const cut = ['silence', '1', '0.01', '0.5%'];
  const trimming = trim ? [...cut, 'reverse', ...cut, 'reverse'] : [];
  execFileSync('sox', ['-D', wav, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed', raw, ...trimming, ...effects]);
  const bytes = readFileSync(raw);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const audio = new Float32Array(bytes.byteLength >> 1);
  for (let i = 0; i < audio.length; i++) audio[i] = view.getInt16(i * 2, true) / 32768;
  return audio;
}

/** A clip of speech cut like a segment, with what was said. */
export interface SpokenClip {
  text: string;
  audio: Float32Array;
}

/** pocketsphinx's LibriVox recordings, cut like a segment (see `synthesise`). */
export function humanProseClips(dir: string): SpokenClip[] {
  return HUMAN_PROSE.map(({ file, text }) => ({ text, audio: readSpeech16k(dir, join(HUMAN_PROSE_DIR, file)) }));
}

/** One set of espeak-ng prose, each sentence in each of `voices` at the set's speed, cut like a segment. */
export function synthesisedProseClips(dir: string, set: keyof typeof PROSE, voices = VOICES): SpokenClip[] {
  return PROSE[set].flatMap((text) =>
    voices.map((voice) => ({ text, audio: synthesise(dir, text, voice, SPEED[set]) })),
  );
}

/**
 * The development prose as whole utterances, untrimmed: pocketsphinx's
 * LibriVox recordings (`human`), then, unless `humanOnly`, the espeak-ng dev
 * prose in the four voices. For the scripts that play them through the voice
 * detector (scripts/measure-anchoring.ts, scripts/measure-release.ts).
 */
export function developmentProse(
  dir: string,
  humanOnly = false,
): { text: string; audio: Float32Array; human: boolean }[] {
  const espeak = (text: string, voice: string) => {
    const wav = join(dir, 'speech.wav');
    execFileSync('espeak-ng', ['-v', voice, '-s', String(SPEED.dev), '-w', wav, text]);
    return readWav16k(dir, wav);
  };
  return [
    ...HUMAN_PROSE.map(({ file, text }) => ({
      text,
      audio: readWav16k(dir, join(HUMAN_PROSE_DIR, file)),
      human: true,
    })),
    ...(humanOnly
      ? []
      : PROSE.dev.flatMap((text) => VOICES.map((voice) => ({ text, audio: espeak(text, voice), human: false })))),
  ];
}

/** The real Moonshine tiny models, as `npm install` copied them into public/models. */
/** Moonshine tiny, its sessions built as the app builds them; `onDecoderRun` counts the decoder's work. */
export async function loadMoonshine(onDecoderRun?: () => void): Promise<MoonshineModel> {
  const models = new URL('../../public/models/', import.meta.url);
  ort.env.wasm.numThreads = 1;
  const session = (file: string, graphOptimizationLevel: GraphOptimization) =>
    ort.InferenceSession.create(readFileSync(new URL(file, models)), { graphOptimizationLevel });
  const encoder = await session('moonshine-tiny-encoder.onnx', WASM_GRAPH_OPTIMIZATION.moonshineEncoder);
  const decoder = await session('moonshine-tiny-decoder-merged.onnx', WASM_GRAPH_OPTIMIZATION.moonshineDecoder);
  if (!onDecoderRun) return new MoonshineModel(ort.Tensor, encoder, decoder);
  const counted = Object.create(decoder, {
    run: {
      value: (feeds: ort.InferenceSession.FeedsType) => {
        onDecoderRun();
        return decoder.run(feeds);
      },
    },
  }) as ort.InferenceSession;
  return new MoonshineModel(ort.Tensor, encoder, counted);
}

/** Did the hypothesis write the term's words, in order (case and punctuation aside)? */
export function termRecalled(term: string, hypothesis: string): boolean {
  const wanted = normalizeForWer(term).join(' ');
  return ` ${normalizeForWer(hypothesis).join(' ')} `.includes(` ${wanted} `);
}

/**
 * Decodes a growing segment as the app does while it is spoken: the first
 * `shares` of the audio, each decode drafted from the one before. Returns the
 * last decode.
 */
export async function decodeGrowing<R extends { tokens: number[] }>(
  decode: (audio: Float32Array, options: DecodeOptions) => Promise<R>,
  audio: Float32Array,
  shares: readonly number[],
  biasing: DecodeOptions['biasing'],
): Promise<R> {
  let last: R | undefined;
  for (const share of shares) {
    last = await decode(audio.subarray(0, Math.floor(audio.length * share)), { biasing, draft: last?.tokens });
  }
  if (!last) throw new RangeError('decodeGrowing needs at least one share');
  return last;
}
