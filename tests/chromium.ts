/** Debian's Chromium, never a downloaded browser (CHROMIUM_PATH overrides). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Every automated Chromium here: no sandbox (we run as root), no network chatter with hosts this machine cannot reach. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fake microphone that needs no permission prompt; add `--use-file-for-fake-audio-capture=FILE`. */
export const FAKE_MICROPHONE_FLAGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];
