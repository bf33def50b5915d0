import * as Comlink from 'comlink';
import { type Capture, prepareCaptureFilters, startCapture } from '../audio/capture';
import { AudioRing } from '../audio/ring';
import { RestartPolicy, RunningClock, stopBudgetMs } from '../engine/liveness';
import { SegmentLedger } from '../engine/segment-ledger';
import { createStatsBuffer, mergeSnapshots, Stat, viewStats } from '../shared/stats';
import type {
  AudioSourceHandle,
  BackendDecision,
  BackendSetting,
  CompiledRuntimes,
  LoadMode,
  LoadProgress,
  ModelFiles,
  ModelUrls,
  SegmentEvent,
  TranscriptionResult,
  VadStatusEvent,
  VocabularyTerms,
  WorkerId,
} from '../shared/types';
import { MODEL_FILES, SAMPLE_RATE } from '../shared/types';
import type { SttApi } from '../workers/stt.worker';
import type { VadApi } from '../workers/vad.worker';
import { prefetchModelFiles, sendLoadMode } from './model-prefetch';
import { compileRuntime } from './runtime-compile';
import { SupervisedWorker, WorkerDiedError } from './supervised-worker';

export interface PipelineCallbacks {
  /** Live text, final text, or a gap where audio could not be transcribed. */
  onResult(result: TranscriptionResult): void;
  onSpeaking(speaking: boolean): void;
  /** A segment ended: its final is on the way. */
  onSegmentEnded(): void;
  /** Something went wrong in a worker that did not stop it (e.g. one decode failed). */
  onWorkerError(worker: WorkerId, message: string): void;
  /** A worker failed and is being replaced; `restarts` counts replacements so far. */
  onWorkerRestart(worker: WorkerId, reason: string, restarts: number): void;
  /** The replacement is working again, `ms` after the failure was noticed. */
  onWorkerRecovered(worker: WorkerId, ms: number): void;
  /**
   * A worker died too often or could not be started again. Any dictation was
   * stopped (microphone released), and what was still owed became gaps.
   */
  onWorkerGaveUp(worker: WorkerId, reason: string): void;
  /** The audio capture itself failed (the worklet threw). */
  onCaptureFailed(message: string): void;
}

/** A model load with no progress for this long (while the page runs) is a stall. */
export const LOAD_STALL_MS = 30_000;
/** While Stop waits, each sign of progress from the speech worker allows it this much longer. */
const STOP_PROGRESS_GRACE_MS = 4000;
/** While loading, a worker may go this long without answering a ping (one session build is synchronous). */
const LOADING_HANG_MS = 15_000;

/** A source handle's port (if any) travels by transfer, never by copy. */
function transferables(handle: AudioSourceHandle): Transferable[] {
  return handle.kind === 'port' ? [handle.port] : [];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A replacement's mode once the page has its files; the page's first load otherwise. */
async function loadMode(replacing: Promise<ModelFiles> | undefined): Promise<LoadMode> {
  return replacing ? { kind: 'replacement', files: await replacing } : { kind: 'first' };
}

/** An older load's outcome, after a Retry started a newer one: nothing to report. */
export class SupersededLoadError extends Error {
  override name = 'SupersededLoadError';
}

/** Stops the microphone and the audio graph. */
async function releaseCapture(capture: Capture): Promise<void> {
  await capture.stop();
  await capture.close();
}

/** Resolves once `done()` holds, checking every `everyMs`. */
async function until(done: () => boolean, everyMs = 20): Promise<void> {
  while (!done()) await sleep(everyMs);
}

/**
 * Rejects when `work` makes no progress for `stallMs` of page-running time
 * (`RunningClock`): `poke` is called on progress.
 */
function withStallWatch<T>(stallMs: number, work: (poke: () => void) => Promise<T>): Promise<T> {
  const checkMs = 1000;
  const idle = new RunningClock(checkMs);
  idle.restart(performance.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (idle.tick(performance.now()) >= stallMs) {
        reject(new Error(`loading made no progress for ${Math.round(stallMs / 1000)} s`));
      }
    }, checkMs);
  });
  return Promise.race([work(() => idle.restart(performance.now())), stalled]).finally(() => clearInterval(timer));
}

/**
 * Owns the two long-lived workers and the capture, and keeps them going.
 *
 * Segment events travel VAD → main → STT: the main thread records each one in
 * the ledger before passing it on, on a single ordered channel, so the ledger
 * is exactly what the STT worker was told (or, while its model still loads,
 * will be told, in one replay). A worker that fails is replaced,
 * and its replacement picks up from the ledger and the audio still held
 * (the shared ring, or the worklet's own ring on the MessagePort path).
 */
export class DictationPipeline {
  /** One ring for the page's lifetime when isolated; positions keep growing across dictations. */
  readonly ring: SharedArrayBuffer | null = self.crossOriginIsolated
    ? (AudioRing.create().buffer as SharedArrayBuffer)
    : null;
  readonly counters: Int32Array = createStatsBuffer(self.crossOriginIsolated);
  readonly vad: SupervisedWorker<VadApi>;
  readonly stt: SupervisedWorker<SttApi>;
  private readonly ledger = new SegmentLedger();
  private capture: Capture | null = null;
  private decision: BackendDecision | null = null;
  /** The VAD's newest read position (from its heartbeat): where a replacement resumes. */
  private vadPosition = 0;
  /** The newest event number seen from each VAD generation (Stop waits for the last one). */
  private vadSeen = { generation: 0, seq: 0 };
  /** The STT generation that was given the ledger's replay: events recorded since go straight to it. */
  private sttListening = 0;
  private readonly recovering = new Map<WorkerId, Promise<void>>();
  private readonly policies: Record<WorkerId, RestartPolicy> = { vad: new RestartPolicy(), stt: new RestartPolicy() };
  private gaveUp = false;
  /**
   * Bumped by every `load` (the first, and each Retry): what an older load or
   * an older recovery still running finds out afterwards must not touch the
   * workers of a newer one.
   */
  private epoch = 0;
  /** A failed load's teardown, while it runs: Stop waits for it. */
  private halting: Promise<void> | null = null;
  private vocabulary: { terms: VocabularyTerms; commands: boolean } = { terms: [], commands: true };
  /** onnxruntime's WebAssembly, compiled by the first workers and instantiated by every replacement. */
  private compiledRuntimes: CompiledRuntimes = {};
  /** Settles once the page's own compile of the runtime is done (or failed), see `compileRuntime`. */
  private runtimeCompiled: Promise<void> = Promise.resolve();
  /**
   * Each worker's first load (of this page, or of a Retry) is done. Before
   * that, a worker that fails fails the load, which says so and offers Retry.
   */
  private readonly loaded: Record<WorkerId, boolean> = { vad: false, stt: false };
  /** Settles with whether the speech worker's first load succeeded. */
  private transcriberLoad: Promise<boolean> = Promise.resolve(true);
  /** The hand-over of a dictation's audio to a speech worker still loading; Stop waits for it. */
  private transcriberHandover: Promise<void> = Promise.resolve();

  constructor(private readonly callbacks: PipelineCallbacks) {
    const onFailure = (worker: SupervisedWorker<VadApi> | SupervisedWorker<SttApi>, reason: string) =>
      this.onWorkerFailed(worker.id, reason);
    const shared = this.ring ? this.counters : null;
    this.vad = new SupervisedWorker<VadApi>(
      'vad',
      () => new Worker(new URL('../workers/vad.worker.ts', import.meta.url), { type: 'module', name: 'utter-vad' }),
      onFailure,
      () => (shared ? Atomics.load(shared, Stat.VadProgress) : 0),
    );
    this.stt = new SupervisedWorker<SttApi>(
      'stt',
      () => new Worker(new URL('../workers/stt.worker.ts', import.meta.url), { type: 'module', name: 'utter-stt' }),
      onFailure,
      () => (shared ? Atomics.load(shared, Stat.SttProgress) : 0),
    );
  }

  get isolated(): boolean {
    return this.ring !== null;
  }

  private get sharedCounters(): Int32Array | null {
    return this.ring ? this.counters : null;
  }

  /**
   * Loads both models (again, after giving up: a Retry). Resolves as soon as
   * dictation can start, when the voice detector runs: `transcriber` settles
   * once the speech model is loaded too. A dictation started before then
   * keeps its audio in the ring (or the port's queue) until the speech worker
   * can take it. A load that fails or stalls rejects: the first part, or
   * `transcriber`, which then also stops any dictation (what it owed becomes
   * gaps) and both workers.
   */
  async load(
    setting: BackendSetting,
    remembered: BackendDecision | null,
    onProgress: (progress: LoadProgress) => void,
  ): Promise<{ transcriber: Promise<BackendDecision> }> {
    const epoch = ++this.epoch;
    // Recoveries of the workers being replaced end on their own (they check the epoch).
    this.recovering.clear();
    this.gaveUp = false;
    this.policies.vad.reset();
    this.policies.stt.reset();
    this.loaded.vad = false;
    this.loaded.stt = false;
    const watched = <T>(work: (progress: (p: LoadProgress) => void) => Promise<T>) =>
      withStallWatch(LOAD_STALL_MS, (poke) =>
        work((p) => {
          poke();
          onProgress(p);
        }),
      );
    // Both workers start at once; each waits for the shared runtime only to load its model.
    this.runtimeCompiled = compileRuntime(this.modelUrls().ort).then((compiled) => {
      this.compiledRuntimes = { ...compiled, ...this.compiledRuntimes };
    });
    const transcriber = watched((progress) => this.startStt(setting, remembered, progress));
    this.transcriberLoad = transcriber.then(
      () => {
        if (epoch === this.epoch) this.loaded.stt = true;
        return epoch === this.epoch;
      },
      () => false,
    );
    try {
      await watched(async (progress) => {
        await this.startVad(progress);
        this.loaded.vad = true;
        prepareCaptureFilters();
      });
    } catch (error) {
      transcriber.catch(() => {});
      if (epoch === this.epoch) await this.halt();
      throw error;
    }
    return {
      transcriber: transcriber.then(
        (decision) => {
          // A newer load (a Retry) replaced these workers: its own outcome is what counts.
          if (epoch !== this.epoch) throw new SupersededLoadError();
          return decision;
        },
        async (error) => {
          if (epoch !== this.epoch) throw new SupersededLoadError();
          await this.halt();
          throw error;
        },
      ),
    };
  }

  // Both workers are watched from the moment they exist, so one that dies
  // while loading fails the load instead of leaving it waiting; a loading
  // worker may take longer to answer. A replacement is handed the model
  // files the page fetches while it starts (`replacing`, see LoadMode).
  private async startVad(
    onProgress?: (progress: LoadProgress) => void,
    replacing?: Promise<ModelFiles>,
  ): Promise<void> {
    this.vad.spawn();
    const generation = this.vad.generation;
    const ping = (r: Comlink.Remote<VadApi>) => r.ping();
    const onBeat = (position: number) => {
      if (position >= 0) this.vadPosition = position;
    };
    this.vad.watch(ping, onBeat, LOADING_HANG_MS);
    await this.runtimeCompiled;
    const mode = await loadMode(replacing);
    // Meanwhile a newer load (a Retry) may have spawned another worker: this start is over.
    if (!this.vad.isCurrent(generation)) throw new SupersededLoadError();
    await this.vad.call((r) =>
      r.load(this.modelUrls(), this.sharedCounters, Comlink.proxy(onProgress ?? (() => {})), sendLoadMode(mode)),
    );
    this.vad.watch(ping, onBeat);
    void this.keepCompiledRuntimes(() => this.vad.call((r) => r.compiledRuntimes()));
  }

  private async startStt(
    setting: BackendSetting,
    remembered: BackendDecision | null,
    onProgress?: (progress: LoadProgress) => void,
    replacing?: Promise<ModelFiles>,
  ): Promise<BackendDecision> {
    this.stt.spawn();
    const generation = this.stt.generation;
    this.stt.watch((r) => r.ping(), undefined, LOADING_HANG_MS);
    // Before anything is decoded: a replacement's replay is the person's words too.
    void this.sendVocabulary();
    await this.runtimeCompiled;
    const mode = await loadMode(replacing);
    // Meanwhile a newer load (a Retry) may have spawned another worker: this start is over.
    if (!this.stt.isCurrent(generation)) throw new SupersededLoadError();
    const decision = await this.stt.call((r) =>
      r.load(
        this.modelUrls(),
        setting,
        remembered,
        this.sharedCounters,
        Comlink.proxy(onProgress ?? (() => {})),
        sendLoadMode(mode),
      ),
    );
    this.decision = decision;
    this.stt.watch((r) => r.ping());
    void this.keepCompiledRuntimes(() => this.stt.call((r) => r.compiledRuntimes()));
    return decision;
  }

  /**
   * The Vocabulary setting's terms, which the decoder leans towards, and
   * whether voice commands are on (dictation leans towards them too). Kept
   * here so that every speech worker, a replacement included, has them before
   * it decodes anything.
   */
  setVocabulary(terms: VocabularyTerms, commands: boolean): Promise<void> {
    this.vocabulary = { terms: [...terms], commands };
    return this.sendVocabulary();
  }

  private sendVocabulary(): Promise<void> {
    const { terms, commands } = this.vocabulary;
    return this.stt.call((r) => r.setVocabulary(terms, commands)).catch(() => {});
  }

  private modelUrls(): ModelUrls {
    return {
      models: new URL('models/', document.baseURI).href,
      ort: new URL('ort/', document.baseURI).href,
      compiledRuntimes: this.compiledRuntimes,
    };
  }

  /**
   * Keeps the runtime a worker compiled, for its replacements. A browser that
   * cannot pass compiled WebAssembly to the page simply compiles again.
   */
  private async keepCompiledRuntimes(fetch: () => Promise<CompiledRuntimes>): Promise<void> {
    try {
      this.compiledRuntimes = { ...(await fetch()), ...this.compiledRuntimes };
    } catch {
      // The worker died or the module could not be cloned: nothing to keep.
    }
  }

  /** Reloads only the speech model, on a different backend. */
  async switchBackend(setting: BackendSetting, onProgress: (progress: LoadProgress) => void): Promise<BackendDecision> {
    return this.startStt(setting, null, onProgress);
  }

  get dictating(): boolean {
    return this.capture !== null;
  }

  /**
   * Opens the microphone and starts the workers. Returns the track (to watch
   * for unplugging), the context (to watch for suspension) and the absolute
   * sample where this dictation's audio begins.
   */
  async start(deviceId?: string): Promise<{ track: MediaStreamTrack; context: AudioContext; startSample: number }> {
    if (this.capture) throw new Error('Already dictating');
    if (this.gaveUp || !this.vad.running || !this.stt.running) {
      throw new Error('The speech models are not running; press Retry');
    }
    const epoch = this.epoch;
    // Port path: each capture numbers its samples from 0. Shared ring: it continues the page's timeline.
    const startSample = this.ring ? new AudioRing(this.ring).writePosition() : 0;
    const capture = await startCapture(this.ring, deviceId, (message) => this.callbacks.onCaptureFailed(message));
    if (this.gaveUp || epoch !== this.epoch) {
      // The load failed (or a Retry began) while the person was still allowing the microphone.
      await releaseCapture(capture);
      throw new Error('The speech models are not running; press Retry');
    }
    this.ledger.clear(startSample);
    this.vadPosition = startSample;
    this.capture = capture;
    try {
      await Promise.all([
        this.transcribeOnceLoaded(capture),
        this.startDetecting(capture.sources.vad, this.ledger.vadResumePoint(startSample)),
      ]);
    } catch (error) {
      this.capture = null;
      await releaseCapture(capture);
      throw error;
    }
    return { track: capture.track, context: capture.context, startSample };
  }

  /**
   * Starts the speech worker on this dictation's audio: now, or once its
   * first load is done. Meanwhile the voice detector already segments, the
   * ledger keeps what it found, and the audio waits: in the shared ring, or
   * on the port path queued on the port, for the speech worker's own ring.
   * Either ring holds 32 s: audio older than that when the load ends (a slow
   * first download) is counted as lost and marked as a gap, as for a replaced
   * worker; the replay then owes the speech worker everything else.
   */
  private transcribeOnceLoaded(capture: Capture): Promise<void> {
    if (this.loaded.stt) return this.startTranscribing(capture.sources.stt);
    const generation = this.stt.generation;
    this.transcriberHandover = this.transcriberLoad.then(async (loaded) => {
      // Defensive: a worker that failed before its first load was done failed that load (halt).
      if (!loaded || this.capture !== capture || !this.stt.isCurrent(generation)) return;
      await this.startTranscribing(capture.sources.stt).catch(() => {
        // The worker failed as it started: its replacement takes over (see `restartStt`).
      });
    });
    return Promise.resolve();
  }

  /**
   * Starts the STT worker on a source with everything the ledger says is
   * still owed. The snapshot and the call happen in one synchronous step, and
   * every event recorded after it is passed on behind it: nothing is missed
   * and nothing is told twice.
   */
  private startTranscribing(source: AudioSourceHandle): Promise<void> {
    const replay = this.ledger.replay();
    const started = this.stt.call((r) =>
      r.start(
        Comlink.transfer(source, transferables(source)),
        Comlink.proxy((result: TranscriptionResult) => this.onResult(result)),
        Comlink.proxy((message: string) => this.callbacks.onWorkerError('stt', message)),
        replay,
      ),
    );
    this.sttListening = this.stt.generation;
    return started;
  }

  /** Starts the VAD worker on a source; its events come back numbered and tagged with its generation. */
  private startDetecting(
    source: AudioSourceHandle,
    resume?: { fromSample: number; firstId: number; floorSample: number },
  ): Promise<void> {
    const generation = this.vad.generation;
    this.vadSeen = { generation, seq: 0 };
    return this.vad.call((r) =>
      r.start(
        Comlink.transfer(source, transferables(source)),
        Comlink.proxy((event: VadStatusEvent) => this.onVadStatus(generation, event)),
        resume,
      ),
    );
  }

  private onVadStatus(generation: number, event: VadStatusEvent): void {
    // A replaced VAD's last words are ignored: its replacement finds them again.
    if (!this.vad.isCurrent(generation) || !this.capture) return;
    this.vadSeen = { generation, seq: event.seq };
    if (event.type === 'speech') {
      this.callbacks.onSpeaking(event.speaking);
      return;
    }
    this.record(event.event);
    if (event.event.type === 'end') this.callbacks.onSegmentEnded();
  }

  /** Records a segment event and passes it to the STT worker, if one is listening. */
  private record(event: SegmentEvent): void {
    this.ledger.record(event);
    if (this.stt.isCurrent(this.sttListening)) void this.stt.call((r) => r.segment(event)).catch(() => {});
  }

  private onResult(result: TranscriptionResult): void {
    if (result.kind !== 'partial') this.ledger.finalReceived(result.segmentId);
    this.callbacks.onResult(result);
  }

  private onWorkerFailed(id: WorkerId, reason: string): void {
    if (this.recovering.has(id)) return; // the replacement died while starting: the recovery loop retries
    if (!this.loaded[id]) return; // its first load fails with it, and says so
    const worker = id === 'vad' ? this.vad : this.stt;
    worker.restarts++;
    if (id === 'vad') this.callbacks.onSpeaking(false);
    this.callbacks.onWorkerRestart(id, reason, this.restarts);
    void this.recover(id, reason);
  }

  /**
   * Replaces a failed worker, backing off when it keeps dying, and gives up
   * when it dies too often (see RestartPolicy): then any dictation stops and
   * the person is offered Retry.
   */
  private recover(id: WorkerId, reason: string): Promise<void> {
    const running = this.recovering.get(id);
    if (running) return running;
    const policy = this.policies[id];
    const noticedAt = performance.now();
    const epoch = this.epoch;
    const work = (async () => {
      let lastError: unknown = reason;
      for (let delay = policy.onDeath(performance.now()); delay !== null; delay = policy.onDeath(performance.now())) {
        if (delay > 0) await sleep(delay);
        if (this.gaveUp || epoch !== this.epoch) return;
        try {
          await withStallWatch(LOAD_STALL_MS, async () => {
            if (id === 'vad') await this.restartVad();
            else await this.restartStt();
          });
          this.callbacks.onWorkerRecovered(id, performance.now() - noticedAt);
          return;
        } catch (error) {
          // A newer load (a Retry) owns the workers now, and reset the restart count.
          if (epoch !== this.epoch) return;
          lastError = error;
        }
      }
      if (epoch === this.epoch)
        await this.giveUp(id, lastError instanceof Error ? lastError.message : String(lastError));
    })().finally(() => {
      if (this.recovering.get(id) === work) this.recovering.delete(id);
    });
    this.recovering.set(id, work);
    return work;
  }

  private async restartStt(): Promise<void> {
    const decision = this.decision;
    const files = prefetchModelFiles(this.modelUrls().models, [
      MODEL_FILES.moonshineEncoder,
      MODEL_FILES.moonshineDecoder,
    ]);
    // Same backend as before, without measuring again.
    await this.startStt(decision?.backend ?? 'auto', decision, undefined, files);
    const capture = this.capture;
    if (!capture) return;
    await this.startTranscribing(capture.reconnect('stt', this.ledger.sttResumePoint()));
  }

  private async restartVad(): Promise<void> {
    await this.startVad(undefined, prefetchModelFiles(this.modelUrls().models, [MODEL_FILES.silero]));
    const capture = this.capture;
    if (!capture) return;
    const resume = this.ledger.vadResumePoint(this.vadPosition);
    // The open segment is found again from its start under a new id; the STT forgets the old one.
    if (resume.cancel !== null) this.record({ type: 'cancel', id: resume.cancel });
    await this.startDetecting(capture.reconnect('vad', resume.fromSample), resume);
  }

  /** Stops any dictation, turns what is owed into gaps, and tells the person. */
  private async giveUp(id: WorkerId, reason: string): Promise<void> {
    this.gaveUp = true;
    (id === 'vad' ? this.vad : this.stt).terminate();
    if (await this.endCapture()) await this.stopWorkers();
    this.callbacks.onWorkerGaveUp(id, reason);
  }

  /** A load failed: any dictation stops (what is owed becomes gaps) and both workers go, until Retry. */
  private halt(): Promise<void> {
    this.gaveUp = true;
    this.vad.terminate();
    this.stt.terminate();
    const halting = this.endCapture().then(() => {
      if (this.halting === halting) this.halting = null;
    });
    this.halting = halting;
    return halting;
  }

  /** The workers were given up on (a failed load, or one that kept dying): only Retry starts them again. */
  get halted(): boolean {
    return this.gaveUp;
  }

  /** Releases the microphone, if a dictation runs, and marks what it still owed as gaps. */
  private async endCapture(): Promise<boolean> {
    const capture = this.capture;
    if (!capture) return false;
    this.capture = null;
    // The gaps first: whoever sees the dictation end (Stop, Copy on stop) sees them.
    this.abandonOwed();
    await releaseCapture(capture);
    return true;
  }

  /** Each worker drops the dictation it was following (a dead one has nothing to drop). */
  private async stopWorkers(): Promise<void> {
    await this.vad.call((r) => r.stop()).catch(() => {});
    await this.stt.call((r) => r.stop()).catch(() => {});
  }

  /** Whatever is still owed a final will not get one: each becomes a visible gap. */
  private abandonOwed(): void {
    for (const range of this.ledger.abandon(this.vadPosition)) {
      this.callbacks.onResult({ kind: 'gap', segmentId: range.id, text: '', inferenceMs: 0, lostSamples: 0, ...range });
    }
  }

  /**
   * Stops the microphone at once, then lets the workers finish the audio
   * already captured: the last words still become final text, even if a
   * worker has to be replaced on the way. Bounded (see `stopBudgetMs`): what
   * is left is marked as gaps. A speech model still loading is waited for
   * first; its load's stall watch bounds that wait.
   */
  async stop(): Promise<void> {
    const capture = this.capture;
    if (!capture) return;
    try {
      await capture.stop();
      // A speech worker still loading gets the audio first; its load is watched for stalls.
      await this.transcriberHandover;
      const owedMs = (this.ledger.owedSamples(this.ringWritePosition() ?? this.vadPosition) / SAMPLE_RATE) * 1000;
      const rtf = viewStats(await this.stats()).realTimeFactor;
      const finished = await Promise.race([
        this.finishOwed().then(() => true),
        this.stopDeadline(stopBudgetMs(owedMs, rtf)).then(() => false),
      ]);
      if (!finished) this.abandonOwed();
    } finally {
      this.capture = null;
      // A failed load ending this dictation meanwhile: its gaps are in before Stop returns.
      if (this.halting) await this.halting;
      await capture.close();
      await this.stopWorkers();
    }
  }

  /**
   * Resolves when Stop has waited `budgetMs` of page-running time (a page
   * frozen while the last finals are decoded does not use the budget up), or
   * longer while the speech worker still shows progress (shared path): a slow
   * backend finishing its last decode is not cut off, and a stuck one is the
   * supervisor's to replace.
   */
  private async stopDeadline(budgetMs: number): Promise<void> {
    const checkMs = 250;
    const progress = () => (this.ring ? Atomics.load(this.counters, Stat.SttProgress) : 0);
    const waited = new RunningClock(checkMs);
    waited.restart(performance.now());
    let budget = budgetMs;
    let mark = progress();
    for (;;) {
      await sleep(checkMs);
      const ran = waited.tick(performance.now());
      if (progress() !== mark) {
        mark = progress();
        budget = Math.max(budget, ran + STOP_PROGRESS_GRACE_MS);
      }
      if (ran >= budget) return;
    }
  }

  /** The VAD drains and flushes; then every segment it ended gets its final. */
  private async finishOwed(): Promise<void> {
    for (;;) {
      if (this.gaveUp) return;
      const generation = this.vad.generation;
      try {
        const lastSeq = await this.vad.call((r) => r.finish());
        // Its events travel on another channel than this answer: wait until the last one is in.
        await until(() => this.vadSeen.generation !== generation || this.vadSeen.seq >= lastSeq);
        if (this.vadSeen.generation === generation) break;
      } catch (error) {
        if (!(error instanceof WorkerDiedError)) throw error;
        await (this.recovering.get('vad') ?? sleep(20));
      }
    }
    await until(() => this.ledger.settledAll || this.gaveUp);
  }

  /** Live figures: read straight from shared memory, or polled from each worker. */
  async stats(): Promise<Int32Array> {
    if (this.ring) return this.counters;
    const parts = await Promise.all([
      this.vad.call((r) => r.statsSnapshot()).catch(() => new Int32Array(0)),
      this.stt.call((r) => r.statsSnapshot()).catch(() => new Int32Array(0)),
    ]);
    return mergeSnapshots(parts);
  }

  get restarts(): number {
    return this.vad.restarts + this.stt.restarts;
  }

  ringWritePosition(): number | null {
    return this.ring ? new AudioRing(this.ring).writePosition() : null;
  }
}
