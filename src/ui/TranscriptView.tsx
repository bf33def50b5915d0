import { useEffect, useRef } from 'preact/hooks';
import { copyConfirmation } from '../app/announcements';
import { currentSession, renameSession, startNewSession } from '../app/sessions';
import { liveText, phase, transcript } from '../app/state';
import { ExportMenu } from './ExportMenu';
import { mountTranscriptEditor } from './transcript-editor';

export function TranscriptView({ onCopy }: { onCopy: () => Promise<boolean> }) {
  const host = useRef<HTMLDivElement>(null);
  const text = transcript.value;
  const session = currentSession.value;

  // Mounted once: the editor follows the transcript and the live text itself, never through a re-render of this view.
  useEffect(() => {
    const el = host.current;
    return el ? mountTranscriptEditor(el) : undefined;
  }, []);

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
      <div ref={host} class="transcript-editor" />
      {/* Shown greyed in place in the editor; this copy is for screen readers. */}
      <section class="live-text visually-hidden" aria-label="Live text">
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
