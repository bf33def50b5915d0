import { useEffect } from 'preact/hooks';
import { loadDictationSettings, setVoiceCommands, voiceCommands } from '../app/dictation-settings';

/** Settings for how dictated words become text. */
export function DictationSettings() {
  useEffect(() => void loadDictationSettings(), []);
  return (
    <section class="dictation-settings" aria-label="Dictation settings">
      <label class="setting">
        <input
          type="checkbox"
          aria-describedby="voice-commands-hint"
          checked={voiceCommands.value}
          onChange={(event) => setVoiceCommands(event.currentTarget.checked)}
        />{' '}
        Voice commands
      </label>
      <p class="hint" id="voice-commands-hint">
        Say “comma”, “period”, “question mark”, “new line”, “new paragraph”… for punctuation; say “scratch that” or
        “stop dictation” on its own.
      </p>
    </section>
  );
}
