/**
 * Where dictated phrases go: the transcript editor registers itself here, so
 * the controller can put finals at the person's caret without knowing about
 * the editor (or the DOM).
 */
export interface DictationTarget {
  /** Dictation starts: the next phrase goes to the person's caret (or replaces their selection). */
  begin(): void;
  /** Puts a final phrase at the dictation point; returns the whole text after it, or null when nothing changed. */
  insert(phrase: string): string | null;
  /** "scratch that": takes back the last dictated phrase; returns the whole text after it, or null when there is none to take. */
  scratch(): string | null;
  /**
   * "undo that": one step back in the editor's history, exactly as Ctrl+Z
   * (the last dictated phrase, a scratch, or the person's own typing);
   * false when there was nothing to undo. The editor saves the result.
   */
  undo(): boolean;
}

let current: DictationTarget | null = null;

export function setDictationTarget(target: DictationTarget | null): void {
  current = target;
}

export function dictationTarget(): DictationTarget | null {
  return current;
}
