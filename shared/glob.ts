/**
 * Name patterns (`*` any run, `?` one character) matched in linear time, without RegExp. A
 * pattern turned into an anchored RegExp (`*` -> `.*`) backtracks catastrophically: 15 stars
 * against a name that does not match stalled an agent for 46 s, and anyone may send a filter.
 * Here a mismatch after a star only moves that star's start on by one: at most
 * pattern x name steps (128 x 128), no input can make it slower. No I/O.
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resumeAt = 0;
  while (n < name.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      resumeAt = n;
    } else if (c !== undefined && (c === '?' || c === name[n])) {
      p++;
      n++;
    } else if (star !== -1) {
      p = star + 1;
      n = ++resumeAt;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** The matcher of one pattern. */
export const globMatcher =
  (pattern: string): ((name: string) => boolean) =>
  (name) =>
    globMatch(pattern, name);
