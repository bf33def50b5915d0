import {
  type AudioSourceHandle,
  CAPTURE_PROCESSOR,
  type CaptureControl,
  type CaptureProcessorOptions,
} from '../shared/types';
import captureWorkletUrl from './capture-worklet.ts?worker&url';
import { designResampler, type ResamplerDesign } from './resampler';

/** ~128 ms per message on the MessagePort path: latency the VAD can afford, few enough posts. */
const FALLBACK_CHUNK_SAMPLES = 2048;

/** Output rates of most audio hardware; 44.1 kHz is the costly one (160 phases). */
const COMMON_RATES = [48000, 44100];
const filters = new Map<number, ResamplerDesign>();

/**
 * Builds the resampling filters for the common rates, and for any rate a
 * capture has used, while the page is idle: so Start hands the worklet a
 * ready filter instead of having the real-time audio thread build one.
 */
export function prepareCaptureFilters(rates: readonly number[] = COMMON_RATES): void {
  const missing = rates.filter((rate) => !filters.has(rate));
  if (missing.length === 0) return;
  const build = () => {
    for (const rate of missing) if (!filters.has(rate)) filters.set(rate, designResampler(rate));
  };
  if (typeof requestIdleCallback === 'function') requestIdleCallback(build, { timeout: 5000 });
  else setTimeout(build, 0);
}

export interface Capture {
  /** Handles to give the VAD and STT workers (the same ring, or one port each). */
  sources: { vad: AudioSourceHandle; stt: AudioSourceHandle };
  track: MediaStreamTrack;
  context: AudioContext;
  /**
   * Stops the microphone (the browser's recording indicator goes off) and
   * flushes the worklet. The worklet stays up, holding the audio, until `close`.
   */
  stop(): Promise<void>;
  /** Releases the audio graph; after this no audio can be replayed to a worker. */
  close(): Promise<void>;
  /**
   * A fresh source handle for a replaced worker: the same ring when isolated;
   * otherwise a new port that first receives the audio from `fromSample` on.
   */
  reconnect(consumer: 'vad' | 'stt', fromSample: number): AudioSourceHandle;
}

/**
 * Opens the chosen microphone, or the default one when the chosen one is not
 * connected (unplugged, or its id renewed by the browser): a remembered choice
 * must never stop dictation. The caller tells the person by comparing the
 * track's `deviceId` with the one it asked for.
 */
async function openMicrophone(deviceId: string | undefined): Promise<MediaStream> {
  const constraints = (id?: string): MediaStreamConstraints => ({
    audio: { deviceId: id ? { exact: id } : undefined, channelCount: { ideal: 1 } },
  });
  try {
    return await navigator.mediaDevices.getUserMedia(constraints(deviceId));
  } catch (error) {
    // Chromium throws OverconstrainedError (not a DOMException) for a missing exact device; others NotFoundError.
    const name = (error as { name?: unknown } | null)?.name;
    if (!deviceId || (name !== 'OverconstrainedError' && name !== 'NotFoundError')) throw error;
    return navigator.mediaDevices.getUserMedia(constraints());
  }
}

/**
 * Opens the microphone and starts the capture worklet. With a shared ring the
 * worklet writes straight into it; without (no cross-origin isolation) it
 * posts chunks on one MessagePort per worker.
 */
export async function startCapture(
  ring: SharedArrayBuffer | null,
  deviceId: string | undefined,
  /** The worklet failed (`processorerror`): no more audio will come. */
  onFailure: (message: string) => void,
): Promise<Capture> {
  const stream = await openMicrophone(deviceId);
  const [track] = stream.getAudioTracks();
  if (!track) throw new DOMException('The microphone gave no audio track', 'NotFoundError');
  const context = new AudioContext({ latencyHint: 'interactive' });
  try {
    // Browsers start contexts suspended until a user gesture; Start is one.
    if (context.state === 'suspended') await context.resume();
    await context.audioWorklet.addModule(captureWorkletUrl);
    const filter = filters.get(context.sampleRate) ?? null;
    // An unusual rate: the worklet builds this one; the next Start will not.
    if (!filter) prepareCaptureFilters([context.sampleRate]);
    const processorOptions: CaptureProcessorOptions = { ring, chunkSamples: FALLBACK_CHUNK_SAMPLES, filter };
    const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCountMode: 'max',
      processorOptions,
    });
    const prepare: CaptureControl = { type: 'prepare' };
    node.port.postMessage(prepare);
    node.addEventListener('processorerror', (event) => {
      onFailure(
        event instanceof ErrorEvent && event.message ? event.message : 'the audio processor stopped with an error',
      );
    });
    let sources: Capture['sources'];
    if (ring) {
      sources = { vad: { kind: 'shared', ring }, stt: { kind: 'shared', ring } };
    } else {
      const toVad = new MessageChannel();
      const toStt = new MessageChannel();
      const connect: CaptureControl = { type: 'connect-ports', ports: [toVad.port1, toStt.port1] };
      node.port.postMessage(connect, [toVad.port1, toStt.port1]);
      sources = { vad: { kind: 'port', port: toVad.port2 }, stt: { kind: 'port', port: toStt.port2 } };
    }
    const input = context.createMediaStreamSource(stream);
    input.connect(node);

    const stop = async () => {
      const stopped = new Promise<void>((resolve) => {
        node.port.onmessage = () => resolve();
        setTimeout(resolve, 300); // a closed or failed context never answers
      });
      const message: CaptureControl = { type: 'stop' };
      node.port.postMessage(message);
      for (const t of stream.getTracks()) t.stop();
      await stopped;
    };
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      for (const t of stream.getTracks()) t.stop();
      input.disconnect();
      node.port.close();
      await context.close().catch(() => {});
    };
    const reconnect = (consumer: 'vad' | 'stt', fromSample: number): AudioSourceHandle => {
      if (ring) return { kind: 'shared', ring };
      const channel = new MessageChannel();
      const message: CaptureControl = {
        type: 'replace-port',
        index: consumer === 'vad' ? 0 : 1,
        port: channel.port1,
        fromSample,
      };
      node.port.postMessage(message, [channel.port1]);
      return { kind: 'port', port: channel.port2 };
    };
    return { sources, track, context, stop, close, reconnect };
  } catch (error) {
    for (const t of stream.getTracks()) t.stop();
    await context.close();
    throw error;
  }
}
