import { useState } from 'preact/hooks';
import {
  currentSession,
  openSession,
  refreshSessionList,
  removeSession,
  renameSession,
  searchSessions,
  sessionList,
} from '../app/sessions';
import { phase } from '../app/state';

/** Past sessions, newest first: reopen, rename, delete, search. */
export function SessionList() {
  const [open, setOpen] = useState(false);
  return (
    <details
      class="sessions"
      onToggle={(event) => {
        const isOpen = (event.currentTarget as HTMLDetailsElement).open;
        setOpen(isOpen);
        if (isOpen) void refreshSessionList();
      }}
    >
      <summary>Sessions</summary>
      {/* Closed, it renders nothing: the list would otherwise be rebuilt with every committed sentence. */}
      {open && <SessionItems />}
    </details>
  );
}

function SessionItems() {
  const [query, setQuery] = useState('');
  const busy = phase.value !== 'ready';
  const sessions = searchSessions(sessionList.value, query);
  return (
    <>
      <input
        type="search"
        placeholder="Search sessions"
        aria-label="Search sessions"
        value={query}
        onInput={(event) => setQuery(event.currentTarget.value)}
      />
      <ul aria-label="Sessions">
        {sessions.map((session) => (
          <li key={session.id} class={currentSession.value?.id === session.id ? 'current' : ''}>
            <span class="session-title">{session.title}</span>
            <span class="hint">
              {new Date(session.createdAt).toLocaleString()} · {session.text.split(/\s+/).filter(Boolean).length} words
            </span>
            <span class="session-actions">
              <button type="button" disabled={busy} onClick={() => void openSession(session.id)}>
                Open
              </button>
              <button
                type="button"
                onClick={() => {
                  const title = prompt('New name for this session', session.title);
                  if (title !== null) void renameSession(session.id, title);
                }}
              >
                Rename
              </button>
              <button
                type="button"
                disabled={busy && currentSession.value?.id === session.id}
                onClick={() => {
                  if (confirm(`Delete “${session.title}”? This cannot be undone.`)) void removeSession(session.id);
                }}
              >
                Delete
              </button>
            </span>
          </li>
        ))}
        {sessions.length === 0 && <li class="hint">{query ? 'No session matches.' : 'No saved sessions yet.'}</li>}
      </ul>
    </>
  );
}
