import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isAudioFile,
  isShareRequest,
  isStaleShare,
  newShareId,
  noAudioShared,
  SHARE_ACCEPT,
  SHARE_MAX_AGE_MS,
  SHARE_TARGET_ACTION,
  SHARED_QUERY,
  sharedId,
  sharedUrl,
  shareTime,
  sortShared,
} from '../../src/engine/share-target';
import { withoutQuery } from '../../src/engine/url-query';

const scope = 'https://example.org/utter/';

describe('share ids', () => {
  it('carry the time they were made, and round-trip through the redirect URL', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.nat(), (now, random) => {
        const id = newShareId(now, random);
        expect(shareTime(id)).toBe(now);
        expect(sharedId(new URL(sharedUrl(id), scope).href)).toBe(id);
      }),
    );
  });

  it('are only ids we make: display text or other queries are not a share', () => {
    for (const url of [
      scope,
      `${scope}?shared`,
      `${scope}?shared=`,
      `${scope}?shared=hello%20world`,
      `${scope}?shared=${'a'.repeat(40)}-1`,
      `${scope}?other=kx3-1`,
      'not a url',
    ]) {
      expect(sharedId(url), url).toBeNull();
    }
  });

  it('are stale after a day, or when malformed', () => {
    const now = 1_800_000_000_000;
    expect(isStaleShare(newShareId(now - 1000, 7), now)).toBe(false);
    expect(isStaleShare(newShareId(now - SHARE_MAX_AGE_MS - 1, 7), now)).toBe(true);
    expect(isStaleShare('record', now)).toBe(true);
  });
});

describe('share URLs', () => {
  it('the redirect stays under the scope, at any sub-path', () => {
    for (const base of ['https://example.org/', scope, 'https://example.org/a/b/']) {
      const url = new URL(sharedUrl('kx3-1'), base);
      expect(url.pathname).toBe(new URL(base).pathname);
      expect(url.search).toBe('?shared=kx3-1');
    }
  });

  it('only a POST to the action under the scope is a share', () => {
    const action = new URL(SHARE_TARGET_ACTION, scope).href;
    expect(isShareRequest('POST', action, scope)).toBe(true);
    expect(isShareRequest('POST', `${action}?x=1`, scope)).toBe(true);
    expect(isShareRequest('GET', action, scope)).toBe(false);
    expect(isShareRequest('POST', scope, scope)).toBe(false);
    expect(isShareRequest('POST', 'https://example.org/share-audio', scope)).toBe(false);
    expect(isShareRequest('POST', 'https://other.example/utter/share-audio', scope)).toBe(false);
  });

  it('removes only the share query, so a reload is an ordinary visit', () => {
    const redirect = new URL(sharedUrl('kx3-1'), scope).href;
    expect(withoutQuery(redirect, SHARED_QUERY)).toBe(scope);
    expect(withoutQuery(`${scope}?a=1&shared=kx3-1#top`, SHARED_QUERY)).toBe(`${scope}?a=1#top`);
  });
});

describe('choosing the shared files', () => {
  it('takes audio by type, or by extension when the type is generic, in the order shared', () => {
    const files = [
      { name: 'memo.m4a', type: '' },
      { name: 'photo.jpg', type: 'image/jpeg' },
      { name: 'call', type: 'audio/AMR' },
      { name: 'Take 2.WAV', type: 'application/octet-stream' },
      { name: 'notes.txt', type: 'text/plain' },
    ];
    const { audio, ignored } = sortShared(files);
    expect(audio.map((f) => f.name)).toEqual(['memo.m4a', 'call', 'Take 2.WAV']);
    expect(ignored).toEqual(['photo.jpg', 'notes.txt']);
  });

  it('every file is either audio or ignored, never both or lost', () => {
    const file = fc.record({
      name: fc.string(),
      type: fc.oneof(fc.constant(''), fc.string(), fc.constant('audio/ogg')),
    });
    fc.assert(
      fc.property(fc.array(file), (files) => {
        const { audio, ignored } = sortShared(files);
        expect(audio.length + ignored.length).toBe(files.length);
        for (const f of audio) expect(isAudioFile(f)).toBe(true);
      }),
    );
  });

  it('the manifest accepts any audio type and the extensions files open with', () => {
    expect(SHARE_ACCEPT).toEqual(['audio/*', '.wav', '.mp3', '.m4a', '.ogg', '.webm']);
  });

  it('a share without audio names what was shared', () => {
    expect(noAudioShared(['photo.jpg'])).toMatch(/^“photo\.jpg” is not an audio file: Utter transcribes \.wav/);
    expect(noAudioShared(['a.txt', 'b.png'])).toMatch(/^“a\.txt”, “b\.png” are not audio files/);
    expect(noAudioShared([])).toMatch(/^Nothing was shared with Utter that it can transcribe/);
  });
});
