import { storage } from '../app/offline';
import {
  backendDecision,
  backendSetting,
  fullyReady,
  isolated,
  lastRecoveryMs,
  modelSource,
  restarts,
  stats,
} from '../app/state';
import type { BackendSetting } from '../shared/types';

const fmt = (value: number | null | undefined, digits = 0) => (value == null ? '—' : value.toFixed(digits));

export function Diagnostics({ onBackend }: { onBackend: (setting: BackendSetting) => void }) {
  const s = stats.value;
  const decision = backendDecision.value;
  return (
    <details class="diagnostics">
      <summary>Diagnostics</summary>
      <dl>
        <dt>Audio lag</dt>
        <dd data-stat="audio-lag">{fmt(s?.vadLagMs)} ms</dd>
        <dt>Last inference</dt>
        <dd data-stat="inference">{fmt(s?.lastInferenceMs)} ms</dd>
        <dt>Real-time factor</dt>
        <dd data-stat="rtf">{fmt(s?.realTimeFactor, 3)}</dd>
        <dt>Dropped samples</dt>
        <dd data-stat="dropped">{s?.droppedSamples ?? 0}</dd>
        <dt>Voice detector per frame</dt>
        <dd data-stat="vad-frame">{fmt(s?.vadFrameMs, 2)} ms</dd>
        <dt>Partials / finals</dt>
        <dd data-stat="results">{s ? `${s.partials} / ${s.finals} (${s.partialsAbandoned} abandoned)` : '—'}</dd>
        <dt>Worker restarts</dt>
        <dd data-stat="restarts">{restarts.value}</dd>
        <dt>Last recovery</dt>
        <dd data-stat="recovery">{lastRecoveryMs.value === null ? '—' : `${Math.round(lastRecoveryMs.value)} ms`}</dd>
        <dt>Backend</dt>
        <dd data-stat="backend" title={decision?.reason}>
          {decision ? `${decision.backend === 'webgpu' ? 'WebGPU' : 'WASM'} — ${decision.reason}` : '—'}
        </dd>
        <dt>Threads</dt>
        <dd data-stat="threads">{decision?.threads ?? '—'}</dd>
        <dt>crossOriginIsolated</dt>
        <dd data-stat="isolated">{String(isolated.value)}</dd>
        <dt>Models from</dt>
        <dd data-stat="model-source">{modelSource.value ?? '—'}</dd>
        <dt>Stored on this device</dt>
        <dd data-stat="storage">
          {storage.value
            ? `${storage.value.usageMb.toFixed(0)} MB of ${storage.value.quotaMb.toFixed(0)} MB${storage.value.persisted ? ' (persistent)' : ''}`
            : '—'}
        </dd>
        <dt>Audio transport</dt>
        <dd data-stat="transport">{isolated.value ? 'SharedArrayBuffer ring' : 'MessagePort chunks'}</dd>
      </dl>
      <label class="setting">
        Speech backend{' '}
        <select
          value={backendSetting.value}
          disabled={!fullyReady.value}
          onChange={(event) => onBackend(event.currentTarget.value as BackendSetting)}
        >
          <option value="auto">Automatic</option>
          <option value="wasm">WASM (CPU)</option>
          <option value="webgpu">WebGPU</option>
        </select>
      </label>
    </details>
  );
}
