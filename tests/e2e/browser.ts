import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, expect, type Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_FLAGS, FAKE_MICROPHONE_FLAGS } from '../chromium';

export const FIXTURES = resolve('tests/fixtures/generated');
export const TRANSCRIPTS = JSON.parse(readFileSync(resolve('tests/fixtures/transcripts.json'), 'utf8')) as Record<
  string,
  string
>;

const BASE_FLAGS = [...CHROMIUM_FLAGS, ...FAKE_MICROPHONE_FLAGS];

export interface LaunchOptions {
  /** WAV played by the fake microphone, once (`%noloop`) unless `loop` is set. */
  wav?: string;
  /** Play the WAV over and over instead of once (long runs). */
  loop?: boolean;
  /** More Chromium flags, after the usual ones. */
  extraArgs?: string[];
  /** Use SwiftShader's WebGPU adapter instead of disabling the GPU. */
  webgpu?: boolean;
  /** Grant the microphone permission (the default) or leave it to be denied. */
  microphone?: boolean;
  /** A browser without service workers: the page can only be isolated by the server's own headers. */
  blockServiceWorkers?: boolean;
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Every URL the page or its workers asked for. */
  requests: string[];
  close(): Promise<void>;
}

export async function launch(options: LaunchOptions = {}): Promise<TestBrowser> {
  const wav = options.wav ?? 'dictation-44k.wav';
  const wavPath = join(FIXTURES, wav);
  if (!existsSync(wavPath)) throw new Error(`${wavPath} is missing: run npm run fixtures`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'utter-e2e-'));
  const args = [...BASE_FLAGS, `--use-file-for-fake-audio-capture=${wavPath}${options.loop ? '' : '%noloop'}`];
  args.push(...(options.webgpu ? ['--enable-unsafe-webgpu', '--use-angle=swiftshader'] : ['--disable-gpu']));
  args.push(...(options.extraArgs ?? []));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    permissions: options.microphone === false ? [] : ['microphone', 'clipboard-read', 'clipboard-write'],
    serviceWorkers: options.blockServiceWorkers ? 'block' : 'allow',
  });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => console.log(`[pageerror] ${error.message}`));
  return {
    context,
    page,
    requests,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Opens the app and waits until the models are loaded and Start is enabled. */
export async function openReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 120_000 });
  await whenSpeechModelLoaded(page);
}

/**
 * Start is usable once the voice detector runs; the speech model may still
 * be loading then ("Loading the speech model… you can start speaking"). A
 * test that times or faults the speech worker waits for "Ready".
 */
export async function whenSpeechModelLoaded(page: Page): Promise<void> {
  await expect(page.getByRole('status')).toHaveText(/^Ready/, { timeout: 120_000 });
}

/**
 * Dictates the whole fake-microphone file: Start, wait for the audio to play
 * out, Stop, and wait for the last final.
 */
export async function dictate(page: Page, seconds: number): Promise<string> {
  await page.getByRole('button', { name: 'Start dictation' }).click();
  await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible();
  await page.waitForTimeout(seconds * 1000);
  await page.getByRole('button', { name: 'Stop dictation' }).click();
  await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
  return transcriptText(page);
}

/**
 * The transcript exactly as the editor holds it. The editor (CodeMirror) draws
 * only the lines in view, with the greyed live partial among them, so the
 * page's text is not the transcript; the editor's state is. `cmTile` is how
 * CodeMirror itself finds its view from the content element
 * (`EditorView.findFromDOM`).
 */
export async function transcriptText(page: Page): Promise<string> {
  return page.getByLabel('Transcript', { exact: true }).evaluate((content) => {
    type Found = { cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } } };
    const view = (content as unknown as Found).cmTile?.root?.view;
    if (!view) throw new Error('The Transcript element is not the CodeMirror editor content');
    return view.state.doc.toString();
  });
}

export async function diagnostic(page: Page, stat: string): Promise<string> {
  return (await page.locator(`[data-stat="${stat}"]`).textContent()) ?? '';
}

/**
 * Keeps every microphone stream the app opens (on `window.__streams`), to
 * check that it really lets go of the microphone: run it in the page, as an
 * init script before the app loads or on a page already open.
 */
export function keepMicrophoneStreams(): void {
  const w = window as unknown as { __streams: MediaStream[] };
  w.__streams = [];
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    w.__streams.push(stream);
    return stream;
  };
}

/** The state of every microphone track kept by `keepMicrophoneStreams` ('ended' once released). */
export function microphoneTrackStates(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { __streams: MediaStream[] }).__streams.flatMap((s) =>
      s.getTracks().map((t) => t.readyState),
    ),
  );
}
