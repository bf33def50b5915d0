/// <reference path="./worklet-globals.d.ts" />
import type { AudioChunk, CaptureControl, CaptureProcessorOptions } from '../shared/types';
import { CAPTURE_PROCESSOR } from '../shared/types';
import { downmixInto, StreamingResampler } from './resampler';
import { AudioRing } from './ring';

/**
 * Real-time code: runs on the audio thread every 128 frames (~2.9 ms at
 * 44.1 kHz). Everything `process()` touches is allocated in the constructor;
 * it never logs, locks or posts per quantum. Its only output is the ring (or,
 * without cross-origin isolation, a batched chunk every `chunkSamples`).
 */
class CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler = new StreamingResampler(sampleRate, 16000);
  /** Sized for the largest render quantum browsers use today; grown (rarely) if one is larger. */
  private mono = new Float32Array(1024);
  private resampled = new Float32Array(this.resampler.maxOutputFor(1024));
  private readonly ring: AudioRing | null;

  // MessagePort fallback: a chunk being filled and the ports it goes to.
  private ports: MessagePort[] = [];
  private readonly chunk: Float32Array;
  private chunkFill = 0;
  private chunkStart = 0;
  private stopped = false;

  constructor(options: { processorOptions?: unknown }) {
    super(options);
    const opts = options.processorOptions as CaptureProcessorOptions;
    this.ring = opts.ring ? new AudioRing(opts.ring) : null;
    this.chunk = new Float32Array(opts.chunkSamples);
    this.port.onmessage = (event: MessageEvent<CaptureControl>) => {
      const message = event.data;
      if (message.type === 'connect-ports') this.ports = message.ports;
      else if (message.type === 'replace-port') this.ports[message.index] = message.port;
      else if (message.type === 'stop') this.stop();
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const channels = inputs[0];
    // Chromium hands over empty inputs while the source is starting or gone.
    if (!channels || channels.length === 0) return true;
    const frames = channels[0]?.length ?? 0;
    if (frames === 0) return true;
    if (frames > this.mono.length) this.grow(frames);

    downmixInto(channels, this.mono);
    const produced = this.resampler.process(this.mono, frames, this.resampled);
    if (this.ring) this.ring.write(this.resampled, 0, produced);
    else this.appendToChunk(produced);
    return true;
  }

  private grow(frames: number): void {
    this.mono = new Float32Array(frames);
    this.resampled = new Float32Array(this.resampler.maxOutputFor(frames));
  }

  private appendToChunk(count: number): void {
    const size = this.chunk.length;
    for (let i = 0; i < count; i++) {
      this.chunk[this.chunkFill++] = this.resampled[i] as number;
      if (this.chunkFill === size) this.postChunk();
    }
  }

  /** Fallback path only: one message per ~128 ms, not per quantum. */
  private postChunk(): void {
    if (this.chunkFill === 0) return;
    const ports = this.ports;
    for (let i = 0; i < ports.length; i++) {
      const samples = this.chunk.slice(0, this.chunkFill);
      const message: AudioChunk = { start: this.chunkStart, samples };
      ports[i]?.postMessage(message, [samples.buffer]);
    }
    this.chunkStart += this.chunkFill;
    this.chunkFill = 0;
  }

  private stop(): void {
    if (!this.ring) this.postChunk();
    this.stopped = true;
    this.port.postMessage({ type: 'stopped' });
  }
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
