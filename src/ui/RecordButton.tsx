import { canRetry, loadFraction, phase } from '../app/state';

export function RecordButton({ onToggle, onRetry }: { onToggle: () => void; onRetry: () => void }) {
  const p = phase.value;
  if (p === 'failed' && canRetry.value) {
    return (
      <div class="record">
        <button type="button" class="record-button" onClick={onRetry}>
          Retry
        </button>
      </div>
    );
  }
  const listening = p === 'listening';
  const busy = p !== 'ready' && p !== 'listening';
  return (
    <div class="record">
      <button
        type="button"
        class={listening ? 'record-button listening' : 'record-button'}
        onClick={onToggle}
        disabled={busy}
        aria-pressed={listening}
      >
        <span class="record-dot" aria-hidden="true" />
        {listening ? 'Stop dictation' : 'Start dictation'}
      </button>
      {p === 'loading' && (
        <progress class="load-progress" value={loadFraction.value} max={1} aria-label="Loading models" />
      )}
    </div>
  );
}
