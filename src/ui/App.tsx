import type { DictationController } from '../app/controller';
import { errorMessage, notice } from '../app/state';
import { Announcer } from './Announcer';
import { AppBanners } from './AppBanners';
import { Diagnostics } from './Diagnostics';
import { DictationSettings } from './DictationSettings';
import { FilePanel } from './FilePanel';
import { LevelMeter } from './LevelMeter';
import { MicrophonePicker } from './MicrophonePicker';
import { RecordButton } from './RecordButton';
import { SessionList } from './SessionList';
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
        <div class="notice" role="status">
          {notice.value}{' '}
          <button type="button" class="link" onClick={() => (notice.value = null)}>
            Dismiss
          </button>
        </div>
      )}
      <section class="controls">
        <RecordButton onToggle={() => void controller.toggle()} onRetry={() => void controller.retry()} />
        <LevelMeter />
        <StatusLine />
        <MicrophonePicker controller={controller} />
      </section>
      <TranscriptView onCopy={() => controller.copy()} />
      <DictationSettings />
      <FilePanel controller={controller} />
      <SessionList />
      <Diagnostics onBackend={(setting) => void controller.setBackend(setting)} />
      <footer class="version">Utter {__APP_VERSION__}</footer>
      <Announcer />
    </main>
  );
}
