import { effect } from '@preact/signals';
import { asksForNewDictation, NEW_DICTATION_QUERY } from '../engine/launch';
import { noAudioShared, SHARED_QUERY, sharedId } from '../engine/share-target';
import { withoutQuery } from '../engine/url-query';
import { deleteShare, openShare, removeSharedFile } from '../shared/share-inbox';
import type { DictationController } from './controller';
import { transcribeChosenFile } from './file-controller';
import { startNewSession } from './sessions';
import { errorMessage, fullyReady, phase, transcript } from './state';

/** The File Handling API's launch parameters (Chromium; not yet in TypeScript's DOM library). */
interface LaunchParams {
  readonly targetURL?: string;
  readonly files: readonly FileSystemHandle[];
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

/**
 * Opens what the installed app was launched with: audio files opened with
 * Utter or shared with it (each becomes a session, through the same path as
 * "Transcribe a file"), or the "New dictation" shortcut (a fresh session, dictating). With
 * `launch_handler: focus-existing` a second launch comes here too, in the
 * window already open.
 */
export function installLaunchHandler(controller: DictationController): void {
  // Opened at the shortcut's URL (or in a browser without launchQueue): once, then forget the query.
  if (asksForNewDictation(location.href)) {
    history.replaceState(history.state, '', withoutQuery(location.href, NEW_DICTATION_QUERY));
    void newDictation(controller);
  }
  // Opened by the service worker after a share: once, then forget the query.
  const share = sharedId(location.href);
  if (share) {
    history.replaceState(history.state, '', withoutQuery(location.href, SHARED_QUERY));
    void openShared(controller, share);
  }
  const queue = (window as { launchQueue?: LaunchQueue }).launchQueue;
  queue?.setConsumer((params) => void onLaunch(controller, params));
}

async function onLaunch(controller: DictationController, params: LaunchParams): Promise<void> {
  const files = params.files.filter((handle): handle is FileSystemFileHandle => handle.kind === 'file');
  // One at a time, in order, each once the models are ready and nothing else is running.
  for (const handle of files) await transcribeInTurn(controller, await handle.getFile());
  if (files.length === 0 && asksForNewDictation(params.targetURL)) await newDictation(controller);
}

/** Transcribes the files of a share (src/sw.ts kept them), deleting each once done. */
async function openShared(controller: DictationController, id: string): Promise<void> {
  const share = await openShare(id).catch(() => null);
  if (!share) {
    errorMessage.value = 'The shared audio is no longer here. Share it with Utter again.';
    return;
  }
  if (share.files.length === 0) errorMessage.value = noAudioShared(share.ignored);
  for (const { file, key } of share.files) {
    await transcribeInTurn(controller, file);
    await removeSharedFile(id, key);
  }
  await deleteShare(id);
}

/** Files from any launch, one at a time in order, each once both models are loaded and nothing else is running. */
let fileTurn: Promise<void> = Promise.resolve();

function transcribeInTurn(controller: DictationController, file: File): Promise<void> {
  // A failed turn (it reports its own problem) must not stop the ones after it.
  fileTurn = fileTurn
    .catch(() => {})
    .then(async () => {
      await when(() => fullyReady.value);
      await transcribeChosenFile(controller, file);
    });
  return fileTurn;
}

let newDictationPending = false;

/** A fresh session (unless the current one is empty), dictating. A second request meanwhile changes nothing. */
async function newDictation(controller: DictationController): Promise<void> {
  if (newDictationPending || phase.value === 'starting' || phase.value === 'listening') return;
  newDictationPending = true;
  try {
    // Dictation may start while the speech model still loads: its audio waits for it.
    await when(() => phase.value === 'ready');
    if (transcript.value) startNewSession();
    await controller.start();
  } finally {
    newDictationPending = false;
  }
}

/** Resolves when `holds` (which reads signals) is true: at once if it is now. */
function when(holds: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    // effect() runs at once with the current values: dispose after this run returns.
    const dispose = effect(() => {
      if (!holds()) return;
      resolve();
      queueMicrotask(() => dispose());
    });
  });
}
