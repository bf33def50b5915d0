// End-to-end tests drive Debian's Chromium (never a downloaded browser).
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  console.error(`No Chromium at ${path}: install it with "sudo apt-get install -y chromium" (or set CHROMIUM_PATH).`);
  process.exit(1);
}
