/// <reference path="./worklet-globals.d.ts" />
import type { AudioChunk, CaptureControl, CaptureProcessorOptions } from '../shared/types';
import { CAPTURE_PROCESSOR, SAMPLE_RATE } from '../shared/types';
import { downmixInto, StreamingResampler } from './resampler';
import { AudioRing } from './ring';

/**
 * Real-time code: runs on the audio thread every 128 frames (~2.9 ms at
 * 44.1 kHz). Everything `process()` touches per quantum is allocated when the
 * processor is prepared; it never logs, locks or posts per quantum. Its only
 * output is the shared ring, or, without cross-origin isolation, a private
 * ring of the same size from which a chunk is posted to each worker every
 * `chunkSamples` (~128 ms; each post allocates the array it transfers, off the
 * per-quantum path).
 */
class CaptureProcessor extends AudioWorkletProcessor {
  /** Built on 'prepare', not in the constructor (see there). */
  private resampler: StreamingResampler | null = null;
  /** Sized for the largest render quantum browsers use today; grown (rarely) if one is larger. */
  private mono = new Float32Array(0);
  private resampled = new Float32Array(0);
  /** The shared ring (isolated), or this thread's own (MessagePort path). */
  private ring: AudioRing | null = null;
  private readonly options: CaptureProcessorOptions;
  private readonly shared: boolean;

  // MessagePort fallback: the ports chunks go to, and where the next chunk starts.
  private ports: MessagePort[] = [];
  private chunkStart = 0;
  private stopped = false;

  /**
   * Kept trivial: Chromium's main thread waits while the processor is
   * constructed (measured: 1–95 ms for `new AudioWorkletNode` when the
   * resampler's filter and the 2 MB ring were built here, 1–4 ms for an empty
   * processor). The rest is set up on the 'prepare' message.
   */
  constructor(options: { processorOptions?: unknown }) {
    super(options);
    this.options = options.processorOptions as CaptureProcessorOptions;
    this.shared = this.options.ring !== null;
    this.port.onmessage = (event: MessageEvent<CaptureControl>) => {
      const message = event.data;
      if (message.type === 'prepare') this.prepare();
      else if (message.type === 'connect-ports') this.ports = message.ports;
      else if (message.type === 'replace-port') this.replacePort(message.index, message.port, message.fromSample);
      else if (message.type === 'stop') this.stop();
    };
  }

  private prepare(): void {
    if (this.resampler) return;
    // This thread runs at real-time priority and preempts the page: on two
    // cores, designing the 44.1 kHz filter here (~15 ms of cold code) stalled
    // the main thread's Start for up to 81 ms. The page hands over a filter it
    // built while idle; only an unusual rate is designed here.
    const filter = this.options.filter;
    this.resampler =
      filter?.inputRate === sampleRate
        ? new StreamingResampler(filter)
        : new StreamingResampler(sampleRate, SAMPLE_RATE);
    this.mono = new Float32Array(1024);
    this.resampled = new Float32Array(this.resampler.maxOutputFor(1024));
    this.ring = this.options.ring ? new AudioRing(this.options.ring) : AudioRing.create(undefined, false);
  }

  process(inputs: Float32Array[][]): boolean {
    // After Stop the processor stays alive (ignoring input) so a worker replaced
    // while the last words are transcribed can still be sent the audio it needs.
    const resampler = this.resampler;
    const ring = this.ring;
    if (this.stopped || !resampler || !ring) return true;
    const channels = inputs[0];
    // Chromium hands over empty inputs while the source is starting or gone.
    if (!channels || channels.length === 0) return true;
    const frames = channels[0]?.length ?? 0;
    if (frames === 0) return true;
    if (frames > this.mono.length) this.grow(resampler, frames);

    downmixInto(channels, this.mono);
    const produced = resampler.process(this.mono, frames, this.resampled);
    ring.write(this.resampled, 0, produced);
    if (!this.shared && ring.writePosition() - this.chunkStart >= this.options.chunkSamples) this.postChunk();
    return true;
  }

  private grow(resampler: StreamingResampler, frames: number): void {
    this.mono = new Float32Array(frames);
    this.resampled = new Float32Array(resampler.maxOutputFor(frames));
  }

  /** Fallback path only: one message per port per ~128 ms, not per quantum. */
  private postChunk(): void {
    if (!this.ring) return;
    const end = this.ring.writePosition();
    if (end <= this.chunkStart) return;
    for (let i = 0; i < this.ports.length; i++) this.send(i, this.chunkStart, end);
    this.chunkStart = end;
  }

  private send(index: number, from: number, to: number): void {
    const port = this.ports[index];
    if (!port || !this.ring || to <= from) return;
    const samples = new Float32Array(to - from);
    const { lost } = this.ring.read(from, samples);
    // Audio the ring no longer holds is not sent: the consumer sees the jump and counts it as lost.
    const message: AudioChunk = { start: from + lost, samples: lost > 0 ? samples.slice(lost) : samples };
    port.postMessage(message, [message.samples.buffer]);
  }

  /** A replaced worker gets the audio from `fromSample` that this ring still holds, then the live chunks. */
  private replacePort(index: number, port: MessagePort, fromSample: number): void {
    this.ports[index] = port;
    if (this.ring) this.send(index, Math.max(fromSample, this.ring.oldestAvailable()), this.chunkStart);
  }

  private stop(): void {
    if (!this.shared) this.postChunk();
    this.stopped = true;
    this.port.postMessage({ type: 'stopped' });
  }
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
