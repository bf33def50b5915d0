import { levelDb, speaking } from '../app/state';

/** -60 dBFS and below reads as empty, 0 dBFS as full: the range a voice moves through. */
export function LevelMeter() {
  return (
    <meter
      class={speaking.value ? 'level speaking' : 'level'}
      aria-label="Input level"
      min={-60}
      max={0}
      low={-45}
      high={-6}
      optimum={-20}
      value={Math.max(-60, Math.min(0, levelDb.value))}
    />
  );
}
