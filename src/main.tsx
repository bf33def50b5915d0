import { render } from 'preact';
import { DictationController } from './app/controller';
import { installDictationShortcut } from './app/keyboard-shortcut';
import { installLaunchHandler } from './app/launch';
import { setUpServiceWorker } from './app/offline';
import { App } from './ui/App';
import './ui/app.css';

const controller = new DictationController();
const root = document.getElementById('app');
if (root) render(<App controller={controller} />, root);
installDictationShortcut(controller);

// Render first, then load: the page is usable (and shows progress) before ~45 MB
// of models arrive. On a host without COOP/COEP the first visit reloads once,
// under the service worker, before loading anything.
// Launch requests (files, the New dictation shortcut) wait for that too: launchQueue
// keeps them until a consumer is set, and a page about to reload must not take them.
void setUpServiceWorker().then((proceed) => {
  if (!proceed) return;
  installLaunchHandler(controller);
  void controller.init();
});
