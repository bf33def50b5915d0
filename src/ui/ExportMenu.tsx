import { currentSession } from '../app/sessions';
import { transcript } from '../app/state';
import { type ExportedFile, toJson, toMarkdown, toPlainText, toSrt, toWebVtt } from '../engine/export';
import type { SessionExportInput } from '../engine/session-types';

const FORMATS: { label: string; make: (input: SessionExportInput) => ExportedFile }[] = [
  { label: 'Text', make: toPlainText },
  { label: 'Markdown', make: toMarkdown },
  { label: 'SubRip (.srt)', make: toSrt },
  { label: 'WebVTT (.vtt)', make: toWebVtt },
  { label: 'JSON', make: toJson },
];

function exportInput(): SessionExportInput | null {
  const session = currentSession.value;
  if (!session) return null;
  return { title: session.title, createdAt: session.createdAt, segments: session.segments, text: transcript.value };
}

function download(file: ExportedFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A button's action on the session as it is when pressed (nothing without a session). */
function onInput(action: (input: SessionExportInput) => void): () => void {
  return () => {
    const current = exportInput();
    if (current) action(current);
  };
}

export function ExportMenu() {
  const input = exportInput();
  const canShare = typeof navigator.share === 'function';
  return (
    <details class="export">
      <summary>Export</summary>
      <div class="export-buttons">
        {FORMATS.map((format) => (
          <button
            key={format.label}
            type="button"
            disabled={!input?.text}
            onClick={onInput((current) => download(format.make(current)))}
          >
            {format.label}
          </button>
        ))}
        {canShare && (
          <button
            type="button"
            disabled={!input?.text}
            onClick={onInput(
              (current) => void navigator.share({ title: current.title, text: current.text }).catch(() => {}),
            )}
          >
            Share…
          </button>
        )}
      </div>
    </details>
  );
}
