import { useEffect, useRef, useState } from 'preact/hooks';
import { liveText, transcript } from '../app/state';

interface Props {
  onEdit: (text: string) => void;
  onCopy: () => Promise<boolean>;
  onClear: () => void;
}

export function TranscriptView({ onEdit, onCopy, onClear }: Props) {
  const [copied, setCopied] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const text = transcript.value;

  // Keep the newest words in view as they arrive, unless the person is editing.
  useEffect(() => {
    const el = area.current;
    if (el && document.activeElement !== el) el.scrollTop = el.scrollHeight;
  }, [text]);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <section class="transcript">
      <textarea
        ref={area}
        class="transcript-text"
        aria-label="Transcript"
        placeholder="Your words appear here."
        value={text}
        onInput={(event) => onEdit(event.currentTarget.value)}
        spellcheck
      />
      <section class="live-text" aria-label="Live text" aria-live="polite">
        {liveText.value}
      </section>
      <div class="transcript-actions">
        <button type="button" onClick={async () => setCopied(await onCopy())} disabled={!text}>
          {copied ? 'Copied ✓' : 'Copy text'}
        </button>
        <button type="button" class="secondary" onClick={onClear} disabled={!text}>
          Clear
        </button>
      </div>
    </section>
  );
}
