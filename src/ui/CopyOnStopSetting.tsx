import { useEffect } from 'preact/hooks';
import { copyOnStop, loadCopyOnStop, setCopyOnStop } from '../app/copy-on-stop';

/** "Copy when dictation stops": the transcript goes to the clipboard each time, confirmed on the Copy button. */
export function CopyOnStopSetting() {
  useEffect(() => void loadCopyOnStop(), []);
  return (
    <label class="setting copy-on-stop">
      <input
        type="checkbox"
        checked={copyOnStop.value}
        onChange={(event) => setCopyOnStop(event.currentTarget.checked)}
      />{' '}
      Copy when dictation stops
    </label>
  );
}
