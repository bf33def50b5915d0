import type { AudioRing } from '../audio/ring';
import { type PipelineStats, Stat } from '../shared/stats';
import { SAMPLE_RATE } from '../shared/types';
import { guardFinal } from './final-guard';
import type { MoonshineModel } from './moonshine';
import { hasSecondLook, secondLook } from './second-look';
import { ScoringAbandoned } from './sequence-scorer';
import type { DecodeBiasing } from './short-segment';
import { anchorToSpeech } from './speech-anchor';
import type { TranscribeOutcome, TranscribeRequest } from './stt-scheduler';
import { detokenize } from './tokenizer';

/**
 * Reads a request's range out of the ring and runs Moonshine on it. Each
 * decode of a segment is drafted from the one before (a partial's tokens for
 * the next partial and for the final), which makes most of the decoder's
 * steps one batched run at the same accuracy; a near tie can come out
 * differently than without the draft (see MoonshineModel).
 */
export class RingTranscriber {
  private previous: { segmentId: number; tokens: number[] } | null = null;

  constructor(
    private readonly ring: AudioRing,
    private readonly model: MoonshineModel,
    private readonly stats: PipelineStats,
    /** The term bias by audio length (the commands it leans towards depend on it); without it, the model's own. */
    private readonly biasing?: () => DecodeBiasing,
  ) {}

  async transcribe(request: TranscribeRequest): Promise<TranscribeOutcome> {
    const length = Math.max(0, request.endSample - request.startSample);
    const audio = new Float32Array(length);
    const { copied, lost } = this.ring.read(request.startSample, audio);
    if (lost > 0 && request.kind === 'final') this.stats.add(Stat.DroppedSamples, lost);
    this.stats.set(Stat.SttLagSamples, this.ring.writePosition() - request.endSample);
    // Overwritten audio is zero-filled at the front: decode only what is real, and of that the
    // span anchored to the speech, so the frames' placement does not change the words (speech-anchor.ts).
    const real = audio.subarray(lost, copied);
    const anchored = anchorToSpeech(real);
    const usable = real.subarray(anchored.start, anchored.end);
    if (usable.length < 1600) return { text: '', inferenceMs: 0, lostSamples: lost, aborted: false };

    // A first decode waits for the warm-up; that wait is not inference (it feeds the cadence and Stop's budget).
    await this.model.whenWarm();
    const t0 = performance.now();
    // Asked once per model step: each ask is also a sign of life for the supervisor.
    const shouldContinue = () => {
      this.stats.add(Stat.SttProgress, 1);
      return request.shouldContinue();
    };
    this.stats.add(Stat.SttProgress, 1);
    // Partials too: a command said alone shows as its mark while it is spoken.
    const biasing = this.biasing?.().forSamples(usable.length);
    const draft = this.previous?.segmentId === request.segmentId ? this.previous.tokens : undefined;
    const rescue = this.biasing?.().rescueFor(usable.length);
    // A short final's encoding is kept for its second look (second-look.ts).
    const keepEncoding = request.kind === 'final' && hasSecondLook(usable.length);
    const result = await this.model.decode(usable, { shouldContinue, biasing, draft, keepEncoding });
    if (!result.aborted) this.previous = { segmentId: request.segmentId, tokens: result.tokens };
    const decoded = detokenize(result.tokens);
    let text = decoded;
    let aborted = result.aborted;
    if (!aborted && request.kind === 'final' && request.shownText) {
      // The final must not silently drop what the live text showed (see final-guard.ts).
      try {
        const guarded = await guardFinal({
          partialText: request.shownText,
          finalText: text,
          audio: usable,
          decode: async (piece) => {
            const again = await this.model.decode(piece, { shouldContinue, biasing });
            if (again.aborted) throw new GuardAborted();
            return detokenize(again.tokens);
          },
        });
        text = guarded.text;
      } catch (error) {
        if (!(error instanceof GuardAborted)) throw error;
        aborted = true;
      }
    }
    // Not text the guard pieced together: the second look reads the decoder's own result.
    if (!aborted && request.kind === 'final' && text === decoded) {
      try {
        text = await secondLook({ audio: usable, result, rescue, model: this.model, shouldContinue });
      } catch (error) {
        if (!(error instanceof ScoringAbandoned)) throw error;
        aborted = true;
      }
    }
    const inferenceMs = performance.now() - t0;
    if (!aborted) {
      this.stats.set(Stat.SttLastInferenceMs, inferenceMs);
      this.stats.set(Stat.SttLastAudioMs, (usable.length / SAMPLE_RATE) * 1000);
    }
    return { text, inferenceMs, lostSamples: lost, aborted };
  }
}

/** A re-decode the guard asked for was abandoned (the request stopped being worth finishing). */
class GuardAborted extends Error {}
