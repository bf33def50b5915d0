import { SAMPLE_RATE } from '../shared/types';

/**
 * Streaming sample-rate conversion to 16 kHz for the capture worklet.
 *
 * Design: a polyphase windowed-sinc FIR (Kaiser window). Output `n` sits at
 * input time `n * inputRate / outputRate`; that position is tracked as an exact
 * integer fraction `phase / den`, so there is no drift however long it runs and
 * chunked processing is bit-identical to one-shot.
 *  - When `den` is small (every common rate: 48 k → 1 phase, 44.1 k → 160,
 *    22.05 k → 320, 8 k → 2) the table holds every phase exactly.
 *  - Otherwise (odd rates) it holds 512 phases and interpolates linearly
 *    between neighbours; the interpolation error sits ~100 dB down.
 *
 * Filter: the sinc's −6 dB point is `cutoff` × the narrower Nyquist (default
 * 0.9 → 7.2 kHz), and the default length is picked by Kaiser's formula so the
 * stopband (≥ 70 dB design) begins at that Nyquist (8 kHz): anything that would
 * alias is gone. The passband is flat (< 0.01 dB) to about 6.4 kHz, which
 * covers speech.
 *
 * Latency: every output is the filter centred `taps / 2` input samples in the
 * past, so the group delay is constant: `delaySamples` output samples
 * (≈ 21.7 at 48 kHz, ≈ 22.1 at 44.1 kHz with default taps).
 *
 * `process()` runs inside AudioWorkletProcessor.process(), so it allocates
 * nothing: all tables and history live in typed arrays made by the constructor.
 */

/** Kaiser design target in dB; 70 leaves margin over the 60 dB we aim for. */
const DESIGN_ATTENUATION_DB = 70;
/** Exact phase tables are used up to this many phases… */
const MAX_EXACT_PHASES = 1024;
/** …and this many coefficients; beyond that, interpolate. */
const MAX_EXACT_TABLE = 1 << 18;
const INTERP_PHASES = 512;
/** Denominator for non-integer rates, which cannot be tracked exactly anyway. */
const FALLBACK_DEN = 1 << 20;

export interface ResamplerOptions {
  /** FIR length in input samples. Default: Kaiser estimate for a 70 dB stopband at the output Nyquist. */
  taps?: number;
  /** −6 dB point as a fraction of min(input, output) Nyquist, in (0, 1). Default 0.9. */
  cutoff?: number;
}

/**
 * The filter for one pair of rates: pure data, so it can be built once, away
 * from the real-time audio thread, and handed to the worklet (structured-clone
 * safe). For 44.1 kHz it is 160 phases × 122 taps.
 */
export interface ResamplerDesign {
  inputRate: number;
  outputRate: number;
  /** FIR length in input samples (0 in pass-through). */
  taps: number;
  /** Output step in input samples is `step / den` (both integers). */
  step: number;
  den: number;
  interpolate: boolean;
  /** Exact: `den` rows of `taps`. Interpolated: INTERP_PHASES + 1 rows. */
  table: Float32Array;
  /** Interpolated mode only: row p+1 minus row p. */
  diff: Float32Array;
}

export function designResampler(
  inputRate: number,
  outputRate = SAMPLE_RATE,
  options: ResamplerOptions = {},
): ResamplerDesign {
  if (!(inputRate > 0) || !(outputRate > 0) || !Number.isFinite(inputRate) || !Number.isFinite(outputRate)) {
    throw new RangeError(`StreamingResampler: bad rates ${inputRate} → ${outputRate}`);
  }
  const cutoff = options.cutoff ?? 0.9;
  if (!(cutoff > 0 && cutoff < 1)) throw new RangeError(`StreamingResampler: cutoff ${cutoff} not in (0, 1)`);
  const passThrough = inputRate === outputRate;

  let step: number;
  let den: number;
  if (Number.isInteger(inputRate) && Number.isInteger(outputRate)) {
    const g = gcd(inputRate, outputRate);
    step = inputRate / g;
    den = outputRate / g;
  } else {
    den = FALLBACK_DEN;
    step = Math.round((inputRate / outputRate) * FALLBACK_DEN);
  }

  // Filter in units of input samples: cycles per input sample.
  const nyquist = Math.min(inputRate, outputRate) / 2;
  const fc = (cutoff * nyquist) / inputRate;
  // Transition band is symmetric about fc; its top edge is at `nyquist`.
  const transition = (2 * (1 - cutoff) * nyquist) / inputRate;
  const beta = 0.1102 * (DESIGN_ATTENUATION_DB - 8.7);
  const estimate = Math.ceil((DESIGN_ATTENUATION_DB - 7.95) / (2.285 * 2 * Math.PI * transition)) + 1;
  const taps = passThrough ? 0 : Math.max(2, Math.round(options.taps ?? estimate + (estimate & 1)));

  const interpolate = den > MAX_EXACT_PHASES || den * taps > MAX_EXACT_TABLE;
  const rows = passThrough ? 0 : interpolate ? INTERP_PHASES + 1 : den;
  const table = new Float32Array(rows * taps);
  const diff = new Float32Array(interpolate ? INTERP_PHASES * taps : 0);

  const phases = interpolate ? INTERP_PHASES : den;
  const kaiser: KaiserWindow = { half: taps / 2, beta, i0Beta: besselI0(beta) };
  const row = new Float64Array(taps);
  for (let r = 0; r < rows; r++) {
    // Row r serves outputs at fractional position frac = r / phases past the
    // newest input; tap j multiplies input (newest - (taps - 1) + j), which
    // sits at offset t = frac + taps/2 - 1 - j from the filter centre.
    const frac = r / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const value = kernel(frac + taps / 2 - 1 - j, fc, kaiser);
      row[j] = value;
      sum += value;
    }
    // Normalise each phase to unity DC gain so no phase adds a ripple at
    // the phase-pattern rate (interpolated rows then also sum to 1).
    for (let j = 0; j < taps; j++) table[r * taps + j] = (row[j] as number) / sum;
  }
  if (interpolate) {
    for (let i = 0; i < INTERP_PHASES * taps; i++) {
      diff[i] = (table[i + taps] as number) - (table[i] as number);
    }
  }
  return { inputRate, outputRate, taps, step, den, interpolate, table, diff };
}

export class StreamingResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** FIR length in input samples (0 in pass-through). */
  readonly taps: number;
  /** Constant group delay, in output samples (0 in pass-through). */
  readonly delaySamples: number;

  private readonly passThrough: boolean;
  private readonly step: number;
  private readonly den: number;
  private readonly table: Float32Array;
  private readonly diff: Float32Array;
  private readonly interpolate: boolean;
  /**
   * The last `taps` inputs, stored twice (at i and i + taps) so the window
   * ending at the newest sample is always contiguous: no modulo per tap.
   */
  private readonly history: Float32Array;
  private head = 0;
  /** Numerator of the next output's fractional position, in [0, den). */
  private phase = 0;
  /** Inputs still to consume before the next output is due. */
  private need = 1;

  /** From rates (designs the filter here) or from a design built elsewhere. */
  constructor(source: number | ResamplerDesign, outputRate = SAMPLE_RATE, options: ResamplerOptions = {}) {
    const design = typeof source === 'number' ? designResampler(source, outputRate, options) : source;
    this.inputRate = design.inputRate;
    this.outputRate = design.outputRate;
    this.passThrough = design.inputRate === design.outputRate;
    this.taps = design.taps;
    this.step = design.step;
    this.den = design.den;
    this.interpolate = design.interpolate;
    this.table = design.table;
    this.diff = design.diff;
    this.delaySamples = this.passThrough ? 0 : (this.taps / 2) * (this.outputRate / this.inputRate);
    this.history = new Float32Array(2 * this.taps);
  }

  /** Upper bound of output samples produced for `inputLength` input samples (for preallocation). */
  maxOutputFor(inputLength: number): number {
    if (inputLength <= 0) return 0;
    if (this.passThrough) return inputLength;
    // Outputs are `step/den` inputs apart; +1 covers the one due on the first input.
    return Math.ceil((inputLength * this.den) / this.step) + 1;
  }

  /**
   * Consume `input[0..length)` and write output to `out` from 0; returns the
   * count written. `out` must hold `maxOutputFor(length)` samples.
   */
  process(input: Float32Array, length: number, out: Float32Array): number {
    if (length > input.length) throw new RangeError('StreamingResampler: length exceeds input');
    if (length <= 0) return 0;
    if (out.length < this.maxOutputFor(length)) throw new RangeError('StreamingResampler: out too small');
    if (this.passThrough) {
      for (let i = 0; i < length; i++) out[i] = input[i] as number;
      return length;
    }
    const taps = this.taps;
    const hist = this.history;
    const table = this.table;
    const diff = this.diff;
    const den = this.den;
    const step = this.step;
    const interpolate = this.interpolate;
    let head = this.head;
    let phase = this.phase;
    let need = this.need;
    let written = 0;

    for (let k = 0; k < length; k++) {
      const x = input[k] as number;
      hist[head] = x;
      hist[head + taps] = x;
      head = head + 1 === taps ? 0 : head + 1;
      // The window oldest→newest is now hist[head .. head + taps).
      if (--need > 0) continue;
      // Emit every output due at this input (more than one when upsampling).
      while (need === 0) {
        let acc = 0;
        if (interpolate) {
          const pos = (phase / den) * INTERP_PHASES;
          const row = Math.floor(pos);
          const a = pos - row;
          const base = row * taps;
          for (let j = 0; j < taps; j++) {
            acc += ((table[base + j] as number) + a * (diff[base + j] as number)) * (hist[head + j] as number);
          }
        } else {
          const base = phase * taps;
          for (let j = 0; j < taps; j++) acc += (table[base + j] as number) * (hist[head + j] as number);
        }
        out[written++] = acc;
        phase += step;
        need = Math.floor(phase / den);
        phase -= need * den;
      }
    }
    this.head = head;
    this.phase = phase;
    this.need = need;
    return written;
  }
}

/**
 * Downmix `channels` (any count, possibly zero-length arrays or an empty list)
 * into `out[0..frames)` by averaging; returns frames written (0 for empty
 * input). Frames = the shortest channel, capped at `out.length`. Allocates nothing.
 */
export function downmixInto(channels: readonly Float32Array[], out: Float32Array): number {
  const count = channels.length;
  if (count === 0) return 0;
  let frames = out.length;
  for (let c = 0; c < count; c++) frames = Math.min(frames, (channels[c] as Float32Array).length);
  const first = channels[0] as Float32Array;
  if (count === 1) {
    for (let i = 0; i < frames; i++) out[i] = first[i] as number;
    return frames;
  }
  const scale = 1 / count;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < count; c++) sum += (channels[c] as Float32Array)[i] as number;
    out[i] = sum * scale;
  }
  return frames;
}

/** A Kaiser window of half-width `half` input samples; I0(β) is computed once per filter. */
interface KaiserWindow {
  half: number;
  beta: number;
  i0Beta: number;
}

/** Windowed sinc at offset `t` input samples from the centre; zero outside the window. */
function kernel(t: number, fc: number, kaiser: KaiserWindow): number {
  if (Math.abs(t) > kaiser.half) return 0;
  const x = 2 * fc * t;
  const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  const r = t / kaiser.half;
  return 2 * fc * sinc * (besselI0(kaiser.beta * Math.sqrt(1 - r * r)) / kaiser.i0Beta);
}

/**
 * Modified Bessel function of the first kind, order 0: the polynomial
 * approximations of Abramowitz & Stegun 9.8.1–9.8.2 (relative error below
 * 4e-8 for the β ≤ 7 used here, under a Float32 table's own rounding). A power
 * series is as exact but ~5× the work, and this runs cold on the real-time
 * audio thread, where every millisecond is taken from the page's main thread.
 */
function besselI0(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3.75) {
    const y = (x / 3.75) ** 2;
    return 1 + y * (3.5156229 + y * (3.0899424 + y * (1.2067492 + y * (0.2659732 + y * (0.0360768 + y * 0.0045813)))));
  }
  const y = 3.75 / ax;
  const poly =
    0.39894228 +
    y *
      (0.01328592 +
        y *
          (0.00225319 +
            y *
              (-0.00157565 +
                y * (0.00916281 + y * (-0.02057706 + y * (0.02635537 + y * (-0.01647633 + y * 0.00392377)))))));
  return (Math.exp(ax) / Math.sqrt(ax)) * poly;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
