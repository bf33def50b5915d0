import { applyUpdate, installPrompt, offlineError, updateReady } from '../app/offline';
import { phase } from '../app/state';

/** Install and update offers, and offline-storage problems. Never interrupts dictation. */
export function AppBanners() {
  const busy = phase.value === 'listening' || phase.value === 'starting' || phase.value === 'stopping';
  const install = installPrompt.value;
  return (
    <>
      {updateReady.value && (
        <div class="notice update">
          Update available.{' '}
          <button type="button" onClick={() => void applyUpdate()} disabled={busy}>
            Update available — reload
          </button>
          {busy && <span class="hint"> Stop dictating first; nothing is lost.</span>}
        </div>
      )}
      {offlineError.value && <div class="notice">{offlineError.value}</div>}
      {install && (
        <button type="button" class="install" onClick={() => void install()}>
          Install
        </button>
      )}
    </>
  );
}
