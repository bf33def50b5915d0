import { phase, speaking, status } from '../app/state';

export function StatusLine() {
  const tone = phase.value === 'listening' ? (speaking.value ? 'hearing' : 'listening') : phase.value;
  const { steady, detail } = status.value;
  // Only the steady part is in the accessibility tree: the detail flips with every pause in speech.
  return (
    <p class={`status status-${tone}`} role="status">
      {steady}
      {detail && <span aria-hidden="true">{detail}</span>}
    </p>
  );
}
