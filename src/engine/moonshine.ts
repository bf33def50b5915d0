import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { SAMPLE_RATE } from '../shared/types';
import type { BiasDecoding, BiasSnapshot, TermBiasing } from './biasing';
import { ModelOutputError, requireOutput } from './onnx';
import { batchScorer, type SequenceScorer } from './sequence-scorer';
import { periodicYield } from './yield';

/**
 * Moonshine tiny speech-to-text: encoder once per audio range, then the merged
 * decoder greedily, one token per step, with its KV cache.
 *
 * A decode may be given a draft: the tokens the same audio probably decodes
 * to, such as the previous partial's. The first decoder run then feeds the
 * start token and the whole draft at once; its logits score every position,
 * and each row is taken as its own step would take it (the same argmax, the
 * same bias). The draft is kept as far as the model agrees with it, and
 * single steps carry on from the first disagreement. One batched run of 21
 * tokens took 80 ms where 21 single steps took 516 ms.
 *
 * A batched run is not bit-identical to single steps: the quantized decoder
 * scales its activations once per run, so logits move by about 1 (measured on
 * 195 rows: median 1.0, max 1.8), and a near tie can go the other way. On 121
 * clips (1051 words, scripts/measure-drafts.ts) 25 drafted decodes differed
 * from undrafted ones, either way: WER 28.45% without drafts, 28.35% with.
 * So a final can depend on which partials ran before it. Making it exact
 * (checking every drafted step's lead over the runner-up, and decoding again
 * without the draft below 3 logits) was measured and dropped: 352 of the 363
 * drafted decodes met such a close call, and the redos cost more decoder runs
 * than the drafts saved (1800 against 1675 without drafts).
 *
 * Works with any onnxruntime flavour (web in a worker, web or node in tests and
 * benchmarks): the caller passes the `Tensor` constructor and the two sessions.
 */

export const START_TOKEN = 1;
export const EOS_TOKEN = 2;
/** Moonshine's reference decoder budgets ~6 tokens per second of speech. */
export const TOKENS_PER_SECOND = 6;
/** Short clips still need room for a word or two and the full stop. */
export const MIN_TOKEN_BUDGET = 8;

type TensorConstructor = typeof Tensor;

export interface DecodeOptions {
  /** Checked between decoder steps; returning false abandons the decode (result `aborted`). */
  shouldContinue?: () => boolean;
  /** Overrides the budget derived from the audio length. */
  maxTokens?: number;
  /** Overrides the model's `biasing` for this decode (null: none). */
  biasing?: TermBiasing | null;
  /** Tokens this audio probably decodes to, checked in one batched run (see the class comment). */
  draft?: readonly number[];
  /** Hand back the encoder's output (`DecodeResult.encoding`), to score texts for the same audio (`scorer`). */
  keepEncoding?: boolean;
  /** Never end the text at the first step: what the model would write if something had to be written. */
  somethingFirst?: boolean;
}

export interface DecodeResult {
  /** Generated tokens, without the start token and without EOS. */
  tokens: number[];
  /** True when the decoder emitted EOS; false when the budget ran out. */
  finished: boolean;
  aborted: boolean;
  encoderMs: number;
  decoderMs: number;
  /** Steps whose logits came from the draft's batched run instead of a run of their own. */
  draftSteps: number;
  /** The encoder's output, when asked for (`keepEncoding`). */
  encoding?: Tensor;
}

export function tokenBudget(samples: number): number {
  return Math.max(MIN_TOKEN_BUDGET, Math.ceil((samples / SAMPLE_RATE) * TOKENS_PER_SECOND));
}

/** Index of the largest logit in a row (the first on a tie: deterministic greedy decoding). */
export function argmax(row: Float32Array): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.length; i++) {
    const v = row[i] as number;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** The model's own choice from a row of logits and, with a bias, the biased one (the row is biased in place). */
function choose(row: Float32Array, bias: BiasDecoding | undefined, endBarred: boolean): { own: number; next: number } {
  if (endBarred) row[EOS_TOKEN] = Number.NEGATIVE_INFINITY;
  const own = argmax(row);
  if (!bias) return { own, next: own };
  bias.apply(row, 0);
  return { own, next: argmax(row) };
}

interface CacheSlot {
  /** `past_key_values.3.decoder.key` */
  input: string;
  /** `present.3.decoder.key`, matched by name rather than by output position. */
  output: string;
  /** Self-attention caches grow every step; cross-attention ones are fixed after step 0. */
  kind: 'decoder' | 'encoder';
  heads: number;
  headDim: number;
}

/**
 * The KV cache after a step: tensors by input name, or the first `length`
 * positions of a batched run's outputs, cut out only when a run needs them.
 */
type Past = ReadonlyMap<string, Tensor> | { batch: InferenceSession.OnnxValueMapType; length: number };

/** Positions `[0, length)` of a [1, heads, positions, headDim] self-attention cache. */
function firstPositions(TensorCtor: TensorConstructor, cache: Tensor, length: number): Tensor {
  const [, heads = 0, positions = 0, headDim = 0] = cache.dims;
  if (positions === length) return cache;
  const data = cache.data as Float32Array;
  const kept = new Float32Array(heads * length * headDim);
  for (let h = 0; h < heads; h++) {
    const from = h * positions * headDim;
    kept.set(data.subarray(from, from + length * headDim), h * length * headDim);
  }
  return new TensorCtor('float32', kept, [1, heads, length, headDim]);
}

const PAST_PATTERN = /^past_key_values\.(\d+)\.(decoder|encoder)\.(key|value)$/;

function cacheSlots(decoder: InferenceSession): CacheSlot[] {
  const slots: CacheSlot[] = [];
  const metadata = decoder.inputMetadata as readonly { name: string; shape?: readonly unknown[] }[];
  for (const name of decoder.inputNames) {
    const match = PAST_PATTERN.exec(name);
    if (!match) continue;
    const [, layer, kind, part] = match;
    const output = `present.${layer}.${kind}.${part}`;
    if (!decoder.outputNames.includes(output)) {
      throw new ModelOutputError(`Moonshine decoder has input ${name} but no output ${output}`);
    }
    const shape = metadata.find((m) => m.name === name)?.shape;
    // Moonshine tiny: 8 KV heads of 36 dims; read them from the model when it says.
    const heads = typeof shape?.[1] === 'number' ? shape[1] : 8;
    const headDim = typeof shape?.[3] === 'number' ? shape[3] : 36;
    slots.push({ input: name, output, kind: kind as CacheSlot['kind'], heads, headDim });
  }
  if (slots.length === 0) throw new ModelOutputError('Moonshine decoder has no past_key_values inputs');
  return slots;
}

export class MoonshineModel {
  private readonly slots: CacheSlot[];
  private readonly emptyCache: Map<string, Tensor>;
  /** The person's listed terms, leaned towards in every decode (see biasing.ts); null for none. */
  biasing: TermBiasing | null = null;
  /** Settles when the warm-up run is over (see `warmUp`). */
  private warming: Promise<void> = Promise.resolve();

  constructor(
    private readonly TensorCtor: TensorConstructor,
    private readonly encoder: InferenceSession,
    private readonly decoder: InferenceSession,
  ) {
    for (const name of ['input_ids', 'encoder_hidden_states', 'use_cache_branch']) {
      if (!decoder.inputNames.includes(name)) {
        throw new ModelOutputError(`Moonshine decoder lacks input ${name}`);
      }
    }
    if (!encoder.inputNames.includes('input_values')) {
      throw new ModelOutputError('Moonshine encoder lacks input input_values');
    }
    this.slots = cacheSlots(decoder);
    this.emptyCache = new Map(
      this.slots.map((s) => [s.input, new TensorCtor('float32', new Float32Array(0), [1, s.heads, 0, s.headDim])]),
    );
  }

  /**
   * Pays the first run's extra cost (~2× a later run's, measured) on audio
   * nobody waits for. Decodes asked for meanwhile wait until it is done, so
   * the first real one does not share the model with it. Rejects if the run
   * fails; the decodes waiting go ahead anyway and report whatever is wrong.
   */
  warmUp(audio: Float32Array, options: DecodeOptions = {}): Promise<void> {
    // After any warm-up already running, so a second one never releases the decodes the first holds.
    const run = this.warming.then(() => this.decodeNow(audio, options)).then(() => {});
    this.warming = run.catch(() => {});
    return run;
  }

  /** Settles once no warm-up holds decodes back: callers that time a decode wait for this first. */
  whenWarm(): Promise<void> {
    return this.warming;
  }

  /** Greedy transcription of 16 kHz mono audio, after any warm-up in progress. */
  async decode(audio: Float32Array, options: DecodeOptions = {}): Promise<DecodeResult> {
    await this.warming;
    return this.decodeNow(audio, options);
  }

  private async decodeNow(audio: Float32Array, options: DecodeOptions): Promise<DecodeResult> {
    const T = this.TensorCtor;
    const maxTokens = options.maxTokens ?? tokenBudget(audio.length);
    const shouldContinue = options.shouldContinue ?? (() => true);
    const breathe = periodicYield();
    const bias = (options.biasing === undefined ? this.biasing : options.biasing)?.begin();
    // Step 0 feeds the start token and the draft; no step may feed more than the budget.
    const firstIds = [START_TOKEN, ...(options.draft ?? []).slice(0, Math.max(0, maxTokens - 1))];

    const t0 = performance.now();
    const encoded = await this.encoder.run({
      input_values: new T('float32', audio, [1, audio.length]),
    });
    const hidden = requireOutput(encoded, 'last_hidden_state', 'Moonshine encoder');
    const t1 = performance.now();

    const tokens: number[] = [];
    let past: Past = this.emptyCache;
    /** Step 0's batched run, while every token fed since matches what it fed. */
    let batch: { out: InferenceSession.OnnxValueMapType; scores: Float32Array; vocab: number } | null = null;
    let draftSteps = 0;
    let previous = START_TOKEN;
    let finished = false;
    let aborted = false;
    /** Where the bias first changed the model's choice, to go back to if the term is left unfinished. */
    let steered: { step: number; past: Past; own: number; bias: BiasSnapshot } | null = null;
    // Going back re-runs steps: bounded, so a decode never takes more than twice its budget.
    let runs = 0;
    for (let step = 0; step < maxTokens && runs++ < 2 * maxTokens; step++) {
      await breathe();
      if (!shouldContinue()) {
        aborted = true;
        break;
      }
      if (batch && !(step < firstIds.length && firstIds[step] === previous)) batch = null;
      if (step === 0 && firstIds.length > 1) {
        const out: InferenceSession.OnnxValueMapType = await this.decoder.run(
          this.feeds(firstIds, hidden, false, past),
        );
        const logits = requireOutput(out, 'logits', 'Moonshine decoder');
        batch = { out, scores: logits.data as Float32Array, vocab: logits.dims[logits.dims.length - 1] ?? 0 };
      }
      let choice: { own: number; next: number };
      if (batch) {
        // Every position up to this one was fed in the batch: its row scores this step.
        const row = batch.scores.subarray(step * batch.vocab, (step + 1) * batch.vocab);
        choice = choose(row, bias, step === 0 && options.somethingFirst === true);
        past = { batch: batch.out, length: step + 1 };
        if (step > 0) draftSteps++;
      } else {
        const out: InferenceSession.OnnxValueMapType = await this.decoder.run(
          this.feeds([previous], hidden, step > 0, past),
        );
        const updated: Map<string, Tensor> = new Map(this.cacheTensors(past));
        for (const slot of this.slots) {
          // The cross-attention cache is computed from the encoder output on the
          // first step; on cached steps the merged model may hand back an empty
          // placeholder for it, so only step 0's copy is kept.
          if (slot.kind === 'encoder' && step > 0) continue;
          updated.set(slot.input, requireOutput(out, slot.output, 'Moonshine decoder'));
        }
        past = updated;
        const row = requireOutput(out, 'logits', 'Moonshine decoder').data as Float32Array;
        choice = choose(row, bias, step === 0 && options.somethingFirst === true);
      }
      const own = choice.own;
      let next = choice.next;
      if (bias) {
        if (next !== own && !steered) steered = { step, past, own, bias: bias.save() };
        if (bias.advance(next, next !== own) === 'abandoned' && steered) {
          // The term the bonus steered into was left unfinished: withdraw the
          // bonus by going back to that step and taking the model's own choice.
          ({ step, own: next, past } = steered);
          tokens.length = step;
          batch = null; // its rows from here on were biased in place
          bias.restore(steered.bias);
          bias.advance(next, false);
          steered = null;
        } else if (!bias.steering) {
          steered = null; // the term was finished: it stays
        }
      }
      if (next === EOS_TOKEN) {
        finished = true;
        break;
      }
      // Kept even when this is the last step of the budget (MoonshineJS drops it).
      tokens.push(next);
      previous = next;
    }
    const t2 = performance.now();
    const encoding = options.keepEncoding ? hidden : undefined;
    return { tokens, finished, aborted, encoderMs: t1 - t0, decoderMs: t2 - t1, draftSteps, encoding };
  }

  /**
   * Scores texts for the audio a decode kept the encoding of (`keepEncoding`;
   * see sequence-scorer.ts). `shouldContinue` is asked before each decoder run.
   */
  scorer(hidden: Tensor, shouldContinue?: () => boolean): SequenceScorer {
    return batchScorer((sequences) => this.logitRows(hidden, sequences), EOS_TOKEN, shouldContinue);
  }

  /** The decoder's logits after the start token and each token of each sequence, in one batched run. */
  private async logitRows(hidden: Tensor, sequences: readonly (readonly number[])[]): Promise<Float32Array[][]> {
    const T = this.TensorCtor;
    const batch = sequences.length;
    const width = 1 + Math.max(...sequences.map((s) => s.length));
    const ids = new BigInt64Array(batch * width).fill(BigInt(EOS_TOKEN));
    sequences.forEach((sequence, b) => {
      [START_TOKEN, ...sequence].forEach((token, i) => {
        ids[b * width + i] = BigInt(token);
      });
    });
    const feeds: Record<string, Tensor> = {
      input_ids: new T('int64', ids, [batch, width]),
      encoder_hidden_states: batch === 1 ? hidden : this.repeated(hidden, batch),
      use_cache_branch: new T('bool', Uint8Array.of(0), [1]),
    };
    for (const slot of this.slots) {
      feeds[slot.input] = new T('float32', new Float32Array(0), [batch, slot.heads, 0, slot.headDim]);
    }
    const out = await this.decoder.run(feeds);
    const logits = requireOutput(out, 'logits', 'Moonshine decoder');
    const vocab = logits.dims[logits.dims.length - 1] ?? 0;
    const data = logits.data as Float32Array;
    return sequences.map((sequence, b) =>
      Array.from({ length: sequence.length + 1 }, (_, position) => {
        const at = (b * width + position) * vocab;
        return data.subarray(at, at + vocab);
      }),
    );
  }

  /** The encoder's output once per row of a batch. */
  private repeated(hidden: Tensor, batch: number): Tensor {
    const [, frames = 0, size = 0] = hidden.dims;
    const one = hidden.data as Float32Array;
    const states = new Float32Array(batch * one.length);
    for (let b = 0; b < batch; b++) states.set(one, b * one.length);
    return new this.TensorCtor('float32', states, [batch, frames, size]);
  }

  private feeds(ids: number[], hidden: Tensor, cached: boolean, past: Past): Record<string, Tensor> {
    const T = this.TensorCtor;
    const feeds: Record<string, Tensor> = {
      input_ids: new T('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      encoder_hidden_states: hidden,
      use_cache_branch: new T('bool', Uint8Array.of(cached ? 1 : 0), [1]),
    };
    for (const [name, tensor] of this.cacheTensors(past)) feeds[name] = tensor;
    return feeds;
  }

  /** The cache tensors a run is fed, cutting a batched run's self-attention caches to the positions kept. */
  private cacheTensors(past: Past): ReadonlyMap<string, Tensor> {
    if (!('batch' in past)) return past;
    const tensors = new Map<string, Tensor>();
    for (const slot of this.slots) {
      const tensor = requireOutput(past.batch, slot.output, 'Moonshine decoder');
      tensors.set(slot.input, slot.kind === 'decoder' ? firstPositions(this.TensorCtor, tensor, past.length) : tensor);
    }
    return tensors;
  }
}
