import { committedPhrases, copyConfirmation } from '../app/announcements';

/**
 * Hidden live regions. Committed phrases go into a polite log, one element
 * per phrase, so each is read once as it arrives; the live text is not a live
 * region, so a partial that changes with every word is never read out.
 */
export function Announcer() {
  const copied = copyConfirmation.value;
  return (
    <div class="visually-hidden">
      <div role="log" aria-label="Dictated phrases">
        {committedPhrases.value.map((phrase) => (
          <p key={phrase.id}>{phrase.text}</p>
        ))}
      </div>
      <div aria-live="polite">{copied && <span key={copied.id}>{copied.text}</span>}</div>
    </div>
  );
}
