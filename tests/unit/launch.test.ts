import { describe, expect, it } from 'vitest';
import { AUDIO_FILE_TYPES, asksForNewDictation, NEW_DICTATION_QUERY, NEW_DICTATION_URL } from '../../src/engine/launch';
import { withoutQuery } from '../../src/engine/url-query';

describe('launch URLs', () => {
  it('recognises the New dictation shortcut, under any sub-path, and nothing else', () => {
    const base = 'https://example.org/utter/';
    expect(asksForNewDictation(new URL(NEW_DICTATION_URL, base).href)).toBe(true);
    expect(asksForNewDictation('https://example.org/utter/?new-dictation=1&x=2')).toBe(true);
    for (const url of [
      base,
      'https://example.org/utter/?other',
      'https://example.org/new-dictation',
      'not a url',
      '',
    ]) {
      expect(asksForNewDictation(url), url).toBe(false);
    }
    expect(asksForNewDictation(undefined)).toBe(false);
  });

  it('removes only the shortcut query, so a reload is an ordinary visit', () => {
    const shortcut = new URL(NEW_DICTATION_URL, 'https://example.org/utter/').href;
    expect(withoutQuery(shortcut, NEW_DICTATION_QUERY)).toBe('https://example.org/utter/');
    expect(withoutQuery('https://example.org/utter/?a=1&new-dictation&b=2#top', NEW_DICTATION_QUERY)).toBe(
      'https://example.org/utter/?a=1&b=2#top',
    );
  });
});

describe('AUDIO_FILE_TYPES', () => {
  it('opens .wav, .mp3, .m4a, .ogg and .webm, as audio MIME types with dotted extensions', () => {
    const extensions = new Set(Object.values(AUDIO_FILE_TYPES).flat());
    expect([...extensions].sort()).toEqual(['.m4a', '.mp3', '.ogg', '.wav', '.webm']);
    for (const type of Object.keys(AUDIO_FILE_TYPES)) expect(type).toMatch(/^audio\/[\w.+-]+$/);
  });
});
