import { signal } from '@preact/signals';
import type { DictationController } from './controller';
import { describeError } from './errors';
import { FileProblem, type FileProgress, transcribeFile } from './file-transcription';
import { addFileSession } from './sessions';
import { errorMessage, fullyReady, phase } from './state';

export const fileJob = signal<({ name: string } & FileProgress) | null>(null);
let abort: AbortController | null = null;

/** Transcribes a dropped or picked file into a new session; problems become one clear alert. */
export async function transcribeChosenFile(controller: DictationController, file: File): Promise<void> {
  const pipeline = controller.pipeline;
  if (!pipeline || !fullyReady.value || fileJob.value) {
    errorMessage.value =
      phase.value === 'listening'
        ? 'Stop dictating before transcribing a file.'
        : 'The speech models are not ready yet; try again in a moment.';
    return;
  }
  errorMessage.value = null;
  // Made before anything else, so Cancel works from the moment it is shown.
  const job = new AbortController();
  abort = job;
  fileJob.value = { name: file.name, stage: 'decoding', fraction: 0, doneS: 0, durationS: null };
  phase.value = 'transcribing-file';
  try {
    const result = await transcribeFile(
      pipeline,
      file,
      (p) => {
        if (!job.signal.aborted) fileJob.value = { name: file.name, ...p };
      },
      job.signal,
    );
    job.signal.throwIfAborted();
    addFileSession(file.name, result.text, result.segments);
  } catch (error) {
    // Cancelled: whatever the workers threw on the way out (an abort, a terminated decoder) is expected.
    if (job.signal.aborted) return;
    errorMessage.value =
      error instanceof FileProblem ? error.message : `“${file.name}” could not be transcribed: ${describeError(error)}`;
  } finally {
    fileJob.value = null;
    abort = null;
    phase.value = 'ready';
  }
}

export function cancelFileTranscription(): void {
  abort?.abort();
}
