import {
  type AudioSourceHandle,
  CAPTURE_PROCESSOR,
  type CaptureControl,
  type CaptureProcessorOptions,
} from '../shared/types';
import captureWorkletUrl from './capture-worklet.ts?worker&url';

/** ~128 ms per message on the MessagePort path: latency the VAD can afford, few enough posts. */
const FALLBACK_CHUNK_SAMPLES = 2048;

export interface Capture {
  /** Handles to give the VAD and STT workers (the same ring, or one port each). */
  sources: { vad: AudioSourceHandle; stt: AudioSourceHandle };
  track: MediaStreamTrack;
  context: AudioContext;
  /** Stops the microphone (the browser's recording indicator goes off) and flushes the worklet. */
  stop(): Promise<void>;
  /** A fresh source handle for a replaced worker (a new port on the MessagePort path; the same ring otherwise). */
  reconnect(consumer: 'vad' | 'stt'): AudioSourceHandle;
}

/**
 * Opens the microphone and starts the capture worklet. With a shared ring the
 * worklet writes straight into it; without (no cross-origin isolation) it
 * posts chunks on one MessagePort per worker.
 */
export async function startCapture(ring: SharedArrayBuffer | null, deviceId?: string): Promise<Capture> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { deviceId: deviceId ? { exact: deviceId } : undefined, channelCount: { ideal: 1 } },
  });
  const [track] = stream.getAudioTracks();
  if (!track) throw new DOMException('The microphone gave no audio track', 'NotFoundError');
  const context = new AudioContext({ latencyHint: 'interactive' });
  try {
    // Browsers start contexts suspended until a user gesture; Start is one.
    if (context.state === 'suspended') await context.resume();
    await context.audioWorklet.addModule(captureWorkletUrl);
    const processorOptions: CaptureProcessorOptions = { ring, chunkSamples: FALLBACK_CHUNK_SAMPLES };
    const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCountMode: 'max',
      processorOptions,
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
        setTimeout(resolve, 300); // a closed context never answers
      });
      const message: CaptureControl = { type: 'stop' };
      node.port.postMessage(message);
      await stopped;
      for (const t of stream.getTracks()) t.stop();
      input.disconnect();
      node.port.close();
      await context.close();
    };
    const reconnect = (consumer: 'vad' | 'stt'): AudioSourceHandle => {
      if (ring) return { kind: 'shared', ring };
      const channel = new MessageChannel();
      const message: CaptureControl = { type: 'replace-port', index: consumer === 'vad' ? 0 : 1, port: channel.port1 };
      node.port.postMessage(message, [channel.port1]);
      return { kind: 'port', port: channel.port2 };
    };
    return { sources, track, context, stop, reconnect };
  } catch (error) {
    for (const t of stream.getTracks()) t.stop();
    await context.close();
    throw error;
  }
}
