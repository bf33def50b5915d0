/** Turns what the browser throws into a sentence a person can act on. */
export function describeMicrophoneError(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access was denied. Allow the microphone for this site in the browser’s address bar, then press Start dictation again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Connect one (or pick another in the system settings) and try again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone is busy or could not be started. Close other apps using it and try again.';
    default:
      return `Could not start the microphone: ${describeError(error)}`;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  return 'unknown error';
}

/** What this browser lacks for dictation, or null when it has everything. */
export function missingBrowserFeatures(): string | null {
  const missing: string[] = [];
  if (!navigator.mediaDevices?.getUserMedia) missing.push('microphone access (getUserMedia)');
  if (typeof AudioWorkletNode === 'undefined') missing.push('AudioWorklet');
  if (typeof WebAssembly === 'undefined') missing.push('WebAssembly');
  if (typeof Worker === 'undefined') missing.push('Web Workers');
  if (missing.length === 0) return null;
  return `This browser cannot run Utter: it lacks ${missing.join(', ')}. Try a current Chrome, Edge, Firefox or Safari${window.isSecureContext ? '' : ', and open the app over https'}.`;
}
