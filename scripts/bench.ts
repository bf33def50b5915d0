/**
 * `npm run bench`: measures Utter side by side in one run and prints one JSON
 * document on stdout (progress goes to stderr).
 *
 *   1. Moonshine tiny RTF on the same clips: the app's STT worker in Chromium
 *      vs onnxruntime-node (1 thread) through the same MoonshineModel class.
 *   2. Silero VAD time per frame: the VAD worker vs onnxruntime-node.
 *   3. Latency through the real app with Chromium's fake microphone playing
 *      dictation-44k.wav, on the audio clock (window.__utterBench, `?bench`).
 *   4. Peak RSS of the renderer (page + workers) and of this Node process.
 *
 * A benchmark, not a test: exits 0 when targets are missed, non-zero on errors.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wordErrorRate } from '../src/engine/wer';
import { mean, PER_MS, percentile, readWav16k, type Region, round, SAMPLE_RATE, speechRegions } from './bench/audio';
import {
  type BenchBrowser,
  browserClips,
  browserVadFrames,
  CHROMIUM,
  diagnostic,
  dictate,
  launch,
  openDiagnostics,
  openReady,
} from './bench/browser';
import { latencyReport } from './bench/latency';
import { RssPoller } from './bench/memory';
import { type ClipRun, NativeMoonshine, nativeVadFrames } from './bench/native';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'tests/fixtures/generated');
const MODELS = join(ROOT, 'public/models');
const PORT = 4180;
const URL_UNDER_TEST = `http://127.0.0.1:${PORT}/?bench`;
/** Decode every clip this many times per side (after one warm-up) and keep the faster pass. */
const ROUNDS = 2;
/** dictation-44k.wav is 23.4 s; a little more lets the fake device play out. */
const DICTATION_SECONDS = 25;
/** Audio kept around each energy region when cutting clips (soft onsets, trailing consonants). */
const CLIP_PAD = Math.round(0.15 * SAMPLE_RATE);

const TARGETS = {
  rtfRatio: 1.3,
  finalP50Ms: 700,
  firstPartialP50Ms: 1000,
  droppedSamples: 0,
};

const started = performance.now();
function log(message: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);
}

function machine() {
  const cpu = cpus();
  let chromium = 'unknown';
  try {
    // The Debian wrapper script prints shell noise on stderr: keep stdout only.
    chromium = execFileSync(CHROMIUM, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch (error) {
    chromium = `unavailable (${(error as Error).message})`;
  }
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    totalMemoryGb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    chromium,
    platform: `${process.platform} ${process.arch}`,
  };
}

function ensureFixtures(): void {
  const needed = ['dictation.wav', 'human.wav', 'dictation-44k.wav'];
  if (needed.every((f) => existsSync(join(FIXTURES, f)))) return;
  log('fixtures missing: running scripts/make-fixtures.sh');
  execFileSync('bash', [join(ROOT, 'scripts/make-fixtures.sh')], { cwd: ROOT, stdio: ['ignore', 2, 2] });
}

interface Clip {
  source: string;
  region: Region;
  samples: Float32Array;
}

function cutClips(name: string, audio: Float32Array): Clip[] {
  return speechRegions(audio).map((region) => ({
    source: name,
    region,
    samples: audio.slice(Math.max(0, region.start - CLIP_PAD), Math.min(audio.length, region.end + CLIP_PAD)),
  }));
}

/** RTF of each pass; the faster pass is the one reported. */
function bestRound(rounds: ClipRun[][], audioMs: number): { rtf: number; rounds: number[]; best: ClipRun[] } {
  const rtfs = rounds.map((r) => r.reduce((ms, c) => ms + c.inferenceMs, 0) / audioMs);
  const bestIndex = rtfs.indexOf(Math.min(...rtfs));
  return { rtf: rtfs[bestIndex] as number, rounds: rtfs, best: rounds[bestIndex] ?? [] };
}

async function startServer(): Promise<ChildProcess> {
  const server = spawn(process.execPath, [join(ROOT, 'scripts/serve.mjs'), join(ROOT, 'dist'), '--port', String(PORT)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`static server exited (${server.exitCode}): ${stderr.trim()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${PORT}/`);
      if (response.ok && response.headers.get('cross-origin-embedder-policy') === 'require-corp') return server;
      if (response.ok) throw new Error(`port ${PORT} is served without COOP/COEP: is another server running there?`);
    } catch (error) {
      if ((error as Error).message.includes('COOP')) throw error;
    }
    if (Date.now() > deadline) throw new Error(`static server did not answer on port ${PORT}: ${stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const machineInfo = machine();
  log(`${machineInfo.cpu} × ${machineInfo.cores}, ${machineInfo.chromium}`);
  ensureFixtures();
  const references = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/transcripts.json'), 'utf8')) as Record<
    string,
    string
  >;

  const dictationAudio = readWav16k(join(FIXTURES, 'dictation.wav'));
  const humanAudio = readWav16k(join(FIXTURES, 'human.wav'));
  const clips = [...cutClips('dictation.wav', dictationAudio), ...cutClips('human.wav', humanAudio)];
  const truth = speechRegions(dictationAudio);
  const audioMs = clips.reduce((ms, c) => ms + c.samples.length / PER_MS, 0);
  log(`${clips.length} clips, ${(audioMs / 1000).toFixed(1)} s of audio; ${truth.length} sentences in dictation.wav`);

  log('building the app (vite build)');
  execFileSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 2, 2],
  });

  const poller = new RssPoller(250);
  let server: ChildProcess | null = null;
  let browser: BenchBrowser | null = null;
  try {
    poller.start();

    // --- 1/2 native: onnxruntime-node, one thread ---------------------------------
    poller.setPhase('native');
    log('native: loading Moonshine (onnxruntime-node, 1 thread)');
    const native = await NativeMoonshine.load(MODELS);
    await native.transcribe(clips[0]?.samples ?? new Float32Array(SAMPLE_RATE));
    const nativeRounds: ClipRun[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const round: ClipRun[] = [];
      for (const clip of clips) {
        round.push(await native.transcribe(clip.samples));
        poller.sample(); // ort-node may hold the event loop during a run
      }
      nativeRounds.push(round);
      log(`native: round ${r + 1}: ${round.reduce((ms, c) => ms + c.inferenceMs, 0).toFixed(0)} ms`);
    }
    await native.release();
    log('native: Silero frames');
    const nativeVad = await nativeVadFrames(MODELS, dictationAudio);
    poller.sample();

    // --- browser: clips and Silero frames in the app's workers ----------------------
    server = await startServer();
    const fakeMic = join(FIXTURES, 'dictation-44k.wav');
    poller.setPhase('browser-clips');
    log('browser: loading the app for the clip measurements');
    browser = await launch(fakeMic, log);
    const clipsLoadMs = await openReady(browser.page, URL_UNDER_TEST);
    log(`browser: models ready in ${(clipsLoadMs / 1000).toFixed(1)} s`);
    await openDiagnostics(browser.page);
    const backend = {
      backend: await diagnostic(browser.page, 'backend'),
      threads: Number(await diagnostic(browser.page, 'threads')),
      crossOriginIsolated: (await diagnostic(browser.page, 'isolated')) === 'true',
    };
    log(`browser: ${backend.backend}, ${backend.threads} thread(s); decoding clips`);
    const browserRounds = await browserClips(
      browser.page,
      clips.map((c) => c.samples),
      ROUNDS,
    );
    for (const [r, round] of browserRounds.entries()) {
      log(`browser: round ${r + 1}: ${round.reduce((ms, c) => ms + c.inferenceMs, 0).toFixed(0)} ms`);
    }
    log('browser: Silero frames');
    const browserVad = await browserVadFrames(browser.page, dictationAudio);
    await browser.close();
    browser = null;

    // --- 3 latency: the real app, fake microphone, fresh profile --------------------
    poller.setPhase('browser-dictation');
    log('browser: fresh profile for the dictation run');
    browser = await launch(fakeMic, log);
    const dictationLoadMs = await openReady(browser.page, URL_UNDER_TEST);
    const run = await dictate(browser.page, DICTATION_SECONDS, log);
    log(`browser: ${run.records.length} results; stop took ${run.stopMs.toFixed(0)} ms`);
    await browser.close();
    browser = null;
    poller.stop();

    // --- report ---------------------------------------------------------------------
    const nativeBest = bestRound(nativeRounds, audioMs);
    const browserBest = bestRound(browserRounds, audioMs);
    const perClip = clips.map((c, i) => {
      const b = browserBest.best[i];
      const n = nativeBest.best[i];
      return {
        source: c.source,
        startS: round(c.region.start / SAMPLE_RATE, 2),
        audioS: round(c.samples.length / SAMPLE_RATE, 2),
        browserMs: round(b?.inferenceMs ?? Number.NaN),
        nativeMs: round(n?.inferenceMs ?? Number.NaN),
        identical: b?.text === n?.text,
        browserText: b?.text ?? null,
        nativeText: n?.text ?? null,
      };
    });
    // Stable across passes too: greedy decoding should not depend on the run.
    const stable = (rounds: ClipRun[][]) => rounds.every((r) => r.every((c, i) => c.text === rounds[0]?.[i]?.text));
    const reference = `${references['dictation.wav'] ?? ''} ${references['human.wav'] ?? ''}`;
    const clipWer = (best: ClipRun[]) => round(wordErrorRate(reference, best.map((c) => c.text).join(' ')).wer, 4);

    const latency = latencyReport(run.records, truth);
    const wer = wordErrorRate(references['dictation.wav'] ?? '', run.transcript);
    const ratio = browserBest.rtf / nativeBest.rtf;
    const peaks = Object.fromEntries(
      [...poller.peaks].map(([phase, p]) => [
        phase,
        {
          rendererMb: round(p.rendererMb),
          browserTreeMb: round(p.browserTreeMb),
          nodeMb: round(p.nodeMb),
          samples: p.samples,
        },
      ]),
    );
    const browserPhases = [...poller.peaks].filter(([phase]) => phase.startsWith('browser'));
    const peakRendererRssMb = round(Math.max(...browserPhases.map(([, p]) => p.rendererMb)));
    const vadSummary = (frames: number[]) => ({
      meanMs: round(mean(frames), 3),
      p99Ms: round(percentile(frames, 99), 3),
      maxMs: round(Math.max(...frames), 3),
      frames: frames.length,
      /** Silero's share of real time: one frame is 32 ms of audio. */
      rtf: round(mean(frames) / 32, 4),
    });

    const report = {
      machine: machineInfo,
      moonshine: {
        clips: clips.length,
        audioSeconds: round(audioMs / 1000, 2),
        rounds: ROUNDS,
        browserRtf: round(browserBest.rtf, 4),
        nativeRtf: round(nativeBest.rtf, 4),
        ratio: round(ratio, 3),
        target: TARGETS.rtfRatio,
        roundRtfs: {
          browser: browserBest.rounds.map((r) => round(r, 4)),
          native: nativeBest.rounds.map((r) => round(r, 4)),
        },
        browserBackend: backend,
        nativeThreads: 1,
        identicalHypotheses: perClip.every((c) => c.identical),
        stableAcrossRounds: { browser: stable(browserRounds), native: stable(nativeRounds) },
        wer: { browser: clipWer(browserBest.best), native: clipWer(nativeBest.best) },
        perClip,
      },
      silero: { browser: vadSummary(browserVad), native: vadSummary(nativeVad) },
      latency: {
        finalMs: latency.finalMs,
        firstPartialMs: latency.firstPartialMs,
        targets: { finalP50Ms: TARGETS.finalP50Ms, firstPartialP50Ms: TARGETS.firstPartialP50Ms },
        offsetSamples: latency.offsetSamples,
        offsetFromEndsSamples: latency.offsetFromEndsSamples,
        segments: latency.segments,
        sentencesWithoutPartial: latency.sentencesWithoutPartial,
        sentencesWithoutFinal: latency.sentencesWithoutFinal,
        unmatchedSegments: latency.unmatchedSegments,
        perSentence: latency.sentences,
        loadMs: { clipsPage: round(clipsLoadMs, 0), dictationPage: round(dictationLoadMs, 0) },
        stopToIdleMs: round(run.stopMs, 0),
      },
      droppedSamples: run.droppedSamples,
      peakRendererRssMb,
      peakNodeRssMb: round(peaks.native?.nodeMb ?? Number.NaN),
      memoryByPhase: peaks,
      transcript: run.transcript,
      wer: round(wer.wer, 4),
      pass: {
        rtfRatio: ratio <= TARGETS.rtfRatio,
        finalP50: latency.finalMs.p50 !== null && latency.finalMs.p50 <= TARGETS.finalP50Ms,
        firstPartialP50:
          latency.firstPartialMs.p50 !== null &&
          latency.firstPartialMs.p50 <= TARGETS.firstPartialP50Ms &&
          latency.sentencesWithoutPartial.length === 0,
        droppedSamples: run.droppedSamples === TARGETS.droppedSamples,
        identicalHypotheses: perClip.every((c) => c.identical),
      },
      elapsedSeconds: round((performance.now() - started) / 1000, 1),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    poller.stop();
    await browser?.close().catch(() => undefined);
    server?.kill();
  }
}

main().then(
  () => log('done'),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
