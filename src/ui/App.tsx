import type { DictationController } from '../app/controller';
import { errorMessage, notice } from '../app/state';
import { AppBanners } from './AppBanners';
import { Diagnostics } from './Diagnostics';
import { LevelMeter } from './LevelMeter';
import { RecordButton } from './RecordButton';
import { StatusLine } from './StatusLine';
import { TranscriptView } from './TranscriptView';

export function App({ controller }: { controller: DictationController }) {
  return (
    <main class="app">
      <header>
        <h1>Utter</h1>
        <p class="tagline">Private dictation. Your voice never leaves this device.</p>
      </header>
      <AppBanners />
      {errorMessage.value && (
        <div class="alert" role="alert">
          {errorMessage.value}
        </div>
      )}
      {notice.value && (
        <div class="notice">
          {notice.value}{' '}
          <button type="button" class="link" onClick={() => (notice.value = null)}>
            Dismiss
          </button>
        </div>
      )}
      <section class="controls">
        <RecordButton onToggle={() => void controller.toggle()} />
        <LevelMeter />
        <StatusLine />
      </section>
      <TranscriptView
        onEdit={(text) => controller.editTranscript(text)}
        onCopy={() => controller.copy()}
        onClear={() => controller.clearTranscript()}
      />
      <Diagnostics onBackend={(setting) => void controller.setBackend(setting)} />
      <footer class="version">Utter {__APP_VERSION__}</footer>
    </main>
  );
}
