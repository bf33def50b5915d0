/**
 * One query parameter of a page URL, read or dropped. The app is opened with
 * a query that asks for something once (a shortcut, a share); it reads the
 * query, then replaces the URL without it so a reload is an ordinary visit.
 */

/** The parameter's value ('' when present without one), or null when it is absent or the URL is not a URL. */
export function queryParam(url: string | undefined, name: string): string | null {
  if (!url) return null;
  try {
    return new URL(url).searchParams.get(name);
  } catch {
    return null;
  }
}

/** The same URL without the parameter, everything else (other parameters, hash) kept. Throws if `url` is not a URL. */
export function withoutQuery(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete(name);
  return parsed.href;
}
