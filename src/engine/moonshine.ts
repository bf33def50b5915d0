import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { SAMPLE_RATE } from '../shared/types';
import type { BiasSnapshot, TermBiasing } from './biasing';
import { ModelOutputError, requireOutput } from './onnx';
import { periodicYield } from './yield';

/**
 * Moonshine tiny speech-to-text: encoder once per audio range, then the merged
 * decoder greedily, one token per step, with its KV cache.
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
}

export interface DecodeResult {
  /** Generated tokens, without the start token and without EOS. */
  tokens: number[];
  /** True when the decoder emitted EOS; false when the budget ran out. */
  finished: boolean;
  aborted: boolean;
  encoderMs: number;
  decoderMs: number;
}

export function tokenBudget(samples: number): number {
  return Math.max(MIN_TOKEN_BUDGET, Math.ceil((samples / SAMPLE_RATE) * TOKENS_PER_SECOND));
}

/** Index of the largest value in the last row of a [1, seq, vocab] logits tensor. */
export function argmaxLastRow(logits: Float32Array, vocabSize: number): number {
  const offset = logits.length - vocabSize;
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < vocabSize; i++) {
    const v = logits[offset + i] as number;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
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

  /** Greedy transcription of 16 kHz mono audio. */
  async decode(audio: Float32Array, options: DecodeOptions = {}): Promise<DecodeResult> {
    const T = this.TensorCtor;
    const maxTokens = options.maxTokens ?? tokenBudget(audio.length);
    const shouldContinue = options.shouldContinue ?? (() => true);
    const breathe = periodicYield();
    const bias = (options.biasing === undefined ? this.biasing : options.biasing)?.begin();

    const t0 = performance.now();
    const encoded = await this.encoder.run({
      input_values: new T('float32', audio, [1, audio.length]),
    });
    const hidden = requireOutput(encoded, 'last_hidden_state', 'Moonshine encoder');
    const t1 = performance.now();

    const tokens: number[] = [];
    let past = new Map(this.emptyCache);
    let previous = START_TOKEN;
    let finished = false;
    let aborted = false;
    /** Where the bias first changed the model's choice, to go back to if the term is left unfinished. */
    let steered: { step: number; past: Map<string, Tensor>; own: number; bias: BiasSnapshot } | null = null;
    // Going back re-runs steps: bounded, so a decode never takes more than twice its budget.
    let runs = 0;
    for (let step = 0; step < maxTokens && runs++ < 2 * maxTokens; step++) {
      await breathe();
      if (!shouldContinue()) {
        aborted = true;
        break;
      }
      const feeds: Record<string, Tensor> = {
        input_ids: new T('int64', BigInt64Array.of(BigInt(previous)), [1, 1]),
        encoder_hidden_states: hidden,
        use_cache_branch: new T('bool', Uint8Array.of(step > 0 ? 1 : 0), [1]),
      };
      for (const [name, tensor] of past) feeds[name] = tensor;
      const out = await this.decoder.run(feeds);
      const logits = requireOutput(out, 'logits', 'Moonshine decoder');
      const vocab = logits.dims[logits.dims.length - 1] ?? 0;
      const scores = logits.data as Float32Array;
      const own = argmaxLastRow(scores, vocab);
      let next = own;
      if (bias) {
        // In place: this step's logits are not read again.
        bias.apply(scores, scores.length - vocab);
        next = argmaxLastRow(scores, vocab);
      }
      for (const slot of this.slots) {
        // The cross-attention cache is computed from the encoder output on the
        // first step; on cached steps the merged model may hand back an empty
        // placeholder for it, so only step 0's copy is kept.
        if (slot.kind === 'encoder' && step > 0) continue;
        past.set(slot.input, requireOutput(out, slot.output, 'Moonshine decoder'));
      }
      if (bias) {
        if (next !== own && !steered) steered = { step, past: new Map(past), own, bias: bias.save() };
        if (bias.advance(next, next !== own) === 'abandoned' && steered) {
          // The term the bonus steered into was left unfinished: withdraw the
          // bonus by going back to that step and taking the model's own choice.
          ({ step, own: next } = steered);
          past = new Map(steered.past);
          tokens.length = step;
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
    return { tokens, finished, aborted, encoderMs: t1 - t0, decoderMs: t2 - t1 };
  }
}
