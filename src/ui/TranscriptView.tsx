import { useEffect, useRef, useState } from 'preact/hooks';
import { currentSession, editText, renameSession, startNewSession } from '../app/sessions';
import { liveText, phase, transcript } from '../app/state';
import { ExportMenu } from './ExportMenu';

export function TranscriptView({ onCopy }: { onCopy: () => Promise<boolean> }) {
  const [copied, setCopied] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const text = transcript.value;
  const session = currentSession.value;

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
      {session && (
        <input
          class="session-name"
          aria-label="Session name"
          value={session.title}
          onChange={(event) => void renameSession(session.id, event.currentTarget.value)}
        />
      )}
      <textarea
        ref={area}
        class="transcript-text"
        aria-label="Transcript"
        placeholder="Your words appear here."
        value={text}
        onInput={(event) => editText(event.currentTarget.value)}
        spellcheck
      />
      <section class="live-text" aria-label="Live text" aria-live="polite">
        {/* The signal itself: a partial updates this text node only, not the whole view with its textarea. */}
        {liveText}
      </section>
      <div class="transcript-actions">
        <button type="button" onClick={async () => setCopied(await onCopy())} disabled={!text}>
          {copied ? 'Copied ✓' : 'Copy text'}
        </button>
        <button type="button" class="secondary" onClick={startNewSession} disabled={phase.value !== 'ready' || !text}>
          New session
        </button>
        <ExportMenu />
      </div>
    </section>
  );
}
