import { signal } from '@preact/signals';
import type { DictationController } from './controller';
import { describeError } from './errors';
import { FileProblem, type FileProgress, transcribeFile } from './file-transcription';
import { addFileSession } from './sessions';
import { errorMessage, phase } from './state';

export const fileJob = signal<({ name: string } & FileProgress) | null>(null);
let abort: AbortController | null = null;

/** Transcribes a dropped or picked file into a new session; problems become one clear alert. */
export async function transcribeChosenFile(controller: DictationController, file: File): Promise<void> {
  const pipeline = controller.pipeline;
  if (!pipeline || phase.value !== 'ready' || fileJob.value) {
    errorMessage.value =
      phase.value === 'listening'
        ? 'Stop dictating before transcribing a file.'
        : 'The speech models are not ready yet; try again in a moment.';
    return;
  }
  errorMessage.value = null;
  abort = new AbortController();
  fileJob.value = { name: file.name, stage: 'decoding', fraction: 0 };
  phase.value = 'transcribing-file';
  try {
    const result = await transcribeFile(
      pipeline,
      file,
      (p) => (fileJob.value = { name: file.name, ...p }),
      abort.signal,
    );
    addFileSession(file.name, result.text, result.segments);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return;
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
