/// <reference types="vite/client" />
import { signal } from '@preact/signals';
import type { ServiceWorkerMessage, ServiceWorkerNotice } from '../shared/sw-protocol';

/** Offline, install and update state, for the UI. */
export const updateReady = signal(false);
export const installPrompt = signal<(() => Promise<void>) | null>(null);
export const offlineProgress = signal<{ done: number; total: number } | null>(null);
export const offlineError = signal<string | null>(null);
export const storage = signal<{ usageMb: number; quotaMb: number; persisted: boolean } | null>(null);

const RELOADED_FOR_ISOLATION = 'utter-reloaded-for-isolation';
/** Longest wait between two precached files before the first visit stops waiting for the service worker. */
const INSTALL_STALL_MS = 15_000;

/**
 * Registers the service worker. On a host that sends no COOP/COEP, the page
 * is not cross-origin isolated on its first load; once the service worker
 * (which adds those headers) controls the page, one reload makes it isolated.
 * Returns false when that reload is under way and the page should not start
 * loading models; an isolated page gets true at once, and registering goes on
 * in the background.
 */
export async function setUpServiceWorker(): Promise<boolean> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return true;
  const container = navigator.serviceWorker;
  container.addEventListener('message', (event: MessageEvent<ServiceWorkerNotice>) => {
    const notice = event.data;
    if (notice?.type === 'precache-progress') offlineProgress.value = { done: notice.done, total: notice.total };
    else if (notice?.type === 'precache-failed') {
      // A failed update leaves the running version's offline copy in place: nothing is lost,
      // and the next update check tries again.
      if (!notice.firstInstall) return;
      offlineError.value = notice.quota
        ? 'There is not enough storage on this device to keep Utter for offline use (about 75 MB is needed). Dictation still works while online.'
        : `Utter could not be saved for offline use: ${notice.message}`;
    }
  });

  window.addEventListener('beforeinstallprompt', onBeforeInstallPrompt);
  window.addEventListener('appinstalled', () => {
    installPrompt.value = null;
  });

  const registered = register(container);
  if (self.crossOriginIsolated) {
    // Nothing to reload for, so the models need not wait for the registration: it can take
    // seconds while the browser finishes an earlier page's update check (1.8 s measured on a
    // reload, against ~20 ms otherwise), and it goes on in the background.
    sessionStorage.removeItem(RELOADED_FOR_ISOLATION);
    return true;
  }
  if (!(await registered)) return true;
  // Reload at most once per tab: a browser that will not isolate must not loop.
  if (sessionStorage.getItem(RELOADED_FOR_ISOLATION)) return true;
  const controlled = container.controller ? Promise.resolve() : controllerChange(container);
  // Give up on isolation (and use the MessagePort path) if installing fails, or stalls with no file
  // arriving for a while: a stuck service worker must never keep the app from starting.
  const failed = new Promise<'failed'>((resolve) => {
    let watchdog = setTimeout(() => resolve('failed'), INSTALL_STALL_MS);
    const stopProgress = offlineProgress.subscribe(() => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => resolve('failed'), INSTALL_STALL_MS);
    });
    const stopError = offlineError.subscribe((message) => {
      if (message) {
        clearTimeout(watchdog);
        stopProgress();
        stopError();
        resolve('failed');
      }
    });
  });
  if ((await Promise.race([controlled, failed])) === 'failed') return true;
  sessionStorage.setItem(RELOADED_FOR_ISOLATION, '1');
  location.reload();
  return false;
}

/**
 * Registers the service worker and watches it for updates. False when there is
 * none (registering failed, which `offlineError` says, or the browser blocks
 * service workers and hands back nothing, as some embedders and test harnesses do).
 */
async function register(container: ServiceWorkerContainer): Promise<boolean> {
  let registration: ServiceWorkerRegistration | undefined;
  try {
    registration = await container.register(new URL('sw.js', document.baseURI), { scope: './' });
  } catch (error) {
    offlineError.value = `Offline use is unavailable: ${error instanceof Error ? error.message : String(error)}`;
    return false;
  }
  if (!registration) return false;
  watchForUpdates(registration);
  const loaded: ServiceWorkerMessage = { type: 'page-loaded' };
  container.controller?.postMessage(loaded);
  void container.ready.then(() => requestPersistence()).catch(() => {});
  return true;
}

function controllerChange(container: ServiceWorkerContainer): Promise<void> {
  return new Promise((resolve) => container.addEventListener('controllerchange', () => resolve(), { once: true }));
}

function watchForUpdates(registration: ServiceWorkerRegistration): void {
  const container = navigator.serviceWorker;
  const check = (worker: ServiceWorker | null) => {
    // A waiting worker while another controls the page is a new version.
    if (worker && container.controller) updateReady.value = true;
  };
  check(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') check(installing);
    });
  });
  // Look for a new version now and then, and when the person comes back to the tab.
  setInterval(() => void registration.update().catch(() => {}), 30 * 60 * 1000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void registration.update().catch(() => {});
  });
}

/** Activates the waiting version and reloads into it. Only called when the person asks. */
export async function applyUpdate(): Promise<void> {
  const registration = await navigator.serviceWorker.getRegistration();
  const waiting = registration?.waiting;
  if (!waiting) return;
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  const message: ServiceWorkerMessage = { type: 'skip-waiting' };
  waiting.postMessage(message);
}

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

function onBeforeInstallPrompt(event: Event): void {
  event.preventDefault();
  const prompt = event as BeforeInstallPromptEvent;
  installPrompt.value = async () => {
    await prompt.prompt();
    const choice = await prompt.userChoice;
    if (choice.outcome === 'accepted') installPrompt.value = null;
  };
}

/** Asks the browser not to evict the models, and reports what is stored. */
export async function requestPersistence(): Promise<void> {
  if (!navigator.storage?.estimate) return;
  const persisted = (await navigator.storage.persisted?.()) || (await navigator.storage.persist?.()) || false;
  await refreshStorageEstimate(persisted);
}

export async function refreshStorageEstimate(persisted = storage.value?.persisted ?? false): Promise<void> {
  const estimate = await navigator.storage.estimate();
  storage.value = {
    usageMb: (estimate.usage ?? 0) / 1e6,
    quotaMb: (estimate.quota ?? 0) / 1e6,
    persisted,
  };
}
