import { useEffect, useState } from 'preact/hooks';
import type { DictationController } from '../app/controller';
import { cancelFileTranscription, fileJob, transcribeChosenFile } from '../app/file-controller';
import { fullyReady } from '../app/state';

const ACCEPT = 'audio/*,video/webm,.wav,.mp3,.ogg,.opus,.oga,.webm,.flac,.m4a,.aac';

/** 75.4 → "1:15", 3725 → "1:02:05". */
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  return hours > 0 ? `${hours}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

/** "Transcribe a file": a picker, plus dropping a file anywhere on the page. */
export function FilePanel({ controller }: { controller: DictationController }) {
  const [dragging, setDragging] = useState(false);
  const job = fileJob.value;

  useEffect(() => {
    const over = (event: DragEvent) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      setDragging(true);
    };
    const leave = (event: DragEvent) => {
      if (event.relatedTarget === null) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      const file = event.dataTransfer?.files[0];
      if (!file) return;
      event.preventDefault();
      setDragging(false);
      void transcribeChosenFile(controller, file);
    };
    addEventListener('dragover', over);
    addEventListener('dragleave', leave);
    addEventListener('drop', drop);
    return () => {
      removeEventListener('dragover', over);
      removeEventListener('dragleave', leave);
      removeEventListener('drop', drop);
    };
  }, [controller]);

  return (
    <section class={dragging ? 'file-panel dragging' : 'file-panel'}>
      <label class="file-pick">
        Transcribe a file
        <input
          type="file"
          accept={ACCEPT}
          aria-label="Transcribe a file"
          disabled={!fullyReady.value}
          onChange={(event) => {
            const input = event.currentTarget;
            const file = input.files?.[0];
            input.value = '';
            if (file) void transcribeChosenFile(controller, file);
          }}
        />
      </label>
      <span class="hint">or drop an audio file anywhere on the page</span>
      {job && (
        <div class="file-job">
          <span>
            {job.name}: {job.stage}
            {job.stage === 'transcribing' &&
              ` ${clock(job.doneS)}${job.durationS !== null ? ` of ${clock(job.durationS)}` : ''}`}
          </span>
          <progress value={job.fraction ?? undefined} max={1} aria-label="File transcription progress" />
          <button type="button" onClick={cancelFileTranscription}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}
