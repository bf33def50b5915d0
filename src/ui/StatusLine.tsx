import { phase, speaking, statusText } from '../app/state';

export function StatusLine() {
  const tone = phase.value === 'listening' ? (speaking.value ? 'hearing' : 'listening') : phase.value;
  return (
    <p class={`status status-${tone}`} role="status">
      {statusText.value}
    </p>
  );
}
