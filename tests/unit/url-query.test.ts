import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryParam, withoutQuery } from '../../src/engine/url-query';

const base = 'https://example.org/utter/';

describe('queryParam', () => {
  it('reads a parameter, with or without a value, and nothing else', () => {
    expect(queryParam(`${base}?go`, 'go')).toBe('');
    expect(queryParam(`${base}?a=1&go=x%20y#top`, 'go')).toBe('x y');
    expect(queryParam(`${base}?going=1`, 'go')).toBeNull();
    expect(queryParam(`${base}#go`, 'go')).toBeNull();
    expect(queryParam(base, 'go')).toBeNull();
  });

  it('is null for what is not a URL, instead of throwing', () => {
    for (const url of ['not a url', '', undefined]) expect(queryParam(url, 'go'), String(url)).toBeNull();
  });
});

describe('withoutQuery', () => {
  it('drops every copy of the parameter and keeps the rest in order, and the hash', () => {
    expect(withoutQuery(`${base}?go`, 'go')).toBe(base);
    expect(withoutQuery(`${base}?a=1&go=2&b=3&go#top`, 'go')).toBe(`${base}?a=1&b=3#top`);
    expect(withoutQuery(`${base}?a=1`, 'go')).toBe(`${base}?a=1`);
  });

  it('leaves the parameter absent, and other parameters as they were', () => {
    const name = fc.constantFrom('go', 'a', 'b');
    const value = fc.string({ maxLength: 5 });
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 6 }), name, (pairs, drop) => {
        const url = new URL(base);
        for (const [key, v] of pairs) url.searchParams.append(key, v);
        const result = withoutQuery(url.href, drop);
        expect(queryParam(result, drop)).toBeNull();
        expect([...new URL(result).searchParams]).toEqual(pairs.filter(([key]) => key !== drop));
      }),
    );
  });
});
