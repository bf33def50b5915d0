import { render } from 'preact';
import { DictationController } from './app/controller';
import { installDictationShortcut } from './app/keyboard-shortcut';
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
void setUpServiceWorker().then((proceed) => {
  if (proceed) void controller.init();
});
