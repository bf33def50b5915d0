import { useEffect, useRef } from 'preact/hooks';
import { copyConfirmation } from '../app/announcements';
import { currentSession, editText, renameSession, startNewSession } from '../app/sessions';
import { liveText, phase, transcript } from '../app/state';
import { ExportMenu } from './ExportMenu';

export function TranscriptView({ onCopy }: { onCopy: () => Promise<boolean> }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const text = transcript.value;
  const session = currentSession.value;

  // Keep the newest words in view as they arrive, unless the person is editing.
  useEffect(() => {
    const el = area.current;
    if (el && document.activeElement !== el) el.scrollTop = el.scrollHeight;
  }, [text]);

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
      <section class="live-text" aria-label="Live text">
        {/* The signal itself: a partial updates this text node only, not the whole view with its textarea.
            Not a live region: partials change with every word; committed phrases are announced (Announcer). */}
        {liveText}
      </section>
      <div class="transcript-actions">
        <button type="button" onClick={() => void onCopy()} disabled={!text}>
          {copyConfirmation.value ? 'Copied ✓' : 'Copy text'}
        </button>
        <button type="button" class="secondary" onClick={startNewSession} disabled={phase.value !== 'ready' || !text}>
          New session
        </button>
        <ExportMenu />
      </div>
    </section>
  );
}
