import { useEffect } from 'preact/hooks';
import {
  loadDictationSettings,
  setVocabularyText,
  setVoiceCommands,
  vocabularyText,
  voiceCommands,
} from '../app/dictation-settings';
import { CopyOnStopSetting } from './CopyOnStopSetting';

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
      <CopyOnStopSetting />
      <label class="setting vocabulary" for="vocabulary">
        Vocabulary
      </label>
      <textarea
        id="vocabulary"
        rows={4}
        spellcheck={false}
        aria-describedby="vocabulary-hint"
        value={vocabularyText.value}
        onInput={(event) => setVocabularyText(event.currentTarget.value)}
      />
      <p class="hint" id="vocabulary-hint">
        One word or phrase per line (names, products, jargon): Utter listens for them and spells them as you wrote them.
        A line such as “get hub =&gt; GitHub” replaces what was heard with what you want written.
      </p>
    </section>
  );
}
