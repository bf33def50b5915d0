import { canRetry, loadFraction, phase } from '../app/state';
import { DICTATION_SHORTCUT } from '../engine/shortcut';

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
  // The state is in the name alone ("Start"/"Stop"), not also in aria-pressed, so it is announced once.
  // aria-disabled, not disabled, while busy: a disabled button drops keyboard focus to the page,
  // and the person pressing Enter or Space on Start would lose their place (toggle() ignores it meanwhile).
  return (
    <div class="record">
      <button
        type="button"
        class={listening ? 'record-button listening' : 'record-button'}
        onClick={onToggle}
        aria-disabled={busy}
        aria-keyshortcuts={DICTATION_SHORTCUT}
        title={
          listening ? `Stop dictation (${DICTATION_SHORTCUT} or Escape)` : `Start dictation (${DICTATION_SHORTCUT})`
        }
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
