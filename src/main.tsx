import { render } from 'preact';
import { DictationController } from './app/controller';
import { App } from './ui/App';
import './ui/app.css';

const controller = new DictationController();
const root = document.getElementById('app');
if (root) render(<App controller={controller} />, root);
// Render first, then load: the page is usable (and shows progress) before ~45 MB of models arrive.
void controller.init();
