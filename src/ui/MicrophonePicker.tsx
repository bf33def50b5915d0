import { useEffect, useState } from 'preact/hooks';
import type { DictationController } from '../app/controller';
import { microphoneId, phase } from '../app/state';

/**
 * Shown when there is a choice to make: the browser lists more than one
 * microphone (labels appear after permission), or the remembered one is not
 * connected, so the person can go back to the default for good.
 */
export function MicrophonePicker({ controller }: { controller: DictationController }) {
  const [devices, setDevices] = useState<MediaDeviceInfo[] | null>(null);
  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!media?.enumerateDevices) return;
    const refresh = () =>
      void media
        .enumerateDevices()
        .then((all) => setDevices(all.filter((d) => d.kind === 'audioinput' && d.deviceId)))
        .catch(() => {});
    refresh();
    media.addEventListener('devicechange', refresh);
    return () => media.removeEventListener('devicechange', refresh);
  }, [phase.value === 'listening']);
  if (!devices) return null;
  const chosen = microphoneId.value;
  // Before permission the browser lists no ids at all: then nothing is known to be missing.
  const missing = chosen !== '' && devices.length > 0 && !devices.some((d) => d.deviceId === chosen);
  if (devices.length < 2 && !missing) return null;
  return (
    <label class="setting">
      Microphone{' '}
      <select
        value={chosen}
        disabled={phase.value !== 'ready'}
        onChange={(event) => controller.setMicrophone(event.currentTarget.value)}
      >
        <option value="">System default</option>
        {missing && (
          <option value={chosen} disabled>
            Your earlier choice (not connected)
          </option>
        )}
        {devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `Microphone ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
