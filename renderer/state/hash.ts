// The URL hash as shareable state: `#/<lab>?exp=<id>&seed=<n>&<param>=<text>…&v.<view param>=<text>…`
// (view keys: renderer/state/viewParams.ts). Pure parse/format;
// values stay text (formatParam's form) so invalid ones survive a reload and show as field errors.

export interface HashRoute {
  /** The path segment after `#/` ('' when absent); the caller decides whether it names a lab. */
  path: string;
  /** Query pairs in order; later duplicates win when read through `queryMap`. */
  query: [string, string][];
  /** Parts of the hash that could not be decoded (shown as a notice, never thrown). */
  problems: string[];
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part.replace(/\+/g, '%2B'));
  } catch {
    return null;
  }
}

/** Keep commas, colons and slashes readable; escape everything that could break the query. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
}

export function parseHash(hash: string): HashRoute {
  const body = hash.replace(/^#/, '').replace(/^\/+/, '');
  const q = body.indexOf('?');
  const rawPath = q < 0 ? body : body.slice(0, q);
  const rawQuery = q < 0 ? '' : body.slice(q + 1);
  const problems: string[] = [];
  const path = (decode(rawPath) ?? '').replace(/\/+$/, '');
  const query: [string, string][] = [];
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === null || value === null) {
      problems.push(`could not decode "${pair}" in the link`);
      continue;
    }
    query.push([key, value]);
  }
  return { path, query, problems };
}

export function formatHash(path: string, query: readonly (readonly [string, string])[]): string {
  const qs = query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  return `#/${encode(path)}${qs ? `?${qs}` : ''}`;
}

export function queryMap(query: readonly (readonly [string, string])[]): Map<string, string> {
  return new Map(query.map(([k, v]) => [k, v] as const));
}
