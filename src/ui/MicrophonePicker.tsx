import { useEffect, useState } from 'preact/hooks';
import type { DictationController } from '../app/controller';
import { microphoneId, phase } from '../app/state';

/** Shown once the browser lists more than one microphone (labels appear after permission). */
export function MicrophonePicker({ controller }: { controller: DictationController }) {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
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
  if (devices.length < 2) return null;
  return (
    <label class="setting">
      Microphone{' '}
      <select
        value={microphoneId.value}
        disabled={phase.value !== 'ready'}
        onChange={(event) => controller.setMicrophone(event.currentTarget.value)}
      >
        <option value="">System default</option>
        {devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `Microphone ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
