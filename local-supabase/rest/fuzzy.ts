/**
 * The best candidate by PostgREST's fuzzy match (fuzzyset with Levenshtein re-scoring: score =
 * 1 - distance / longer length, compared case-insensitively), when it reaches `minScore`.
 */
export function fuzzyBest(name: string, candidates: Iterable<string>, minScore: number): { value: string; score: number } | null {
  let best: { value: string; score: number } | null = null;
  for (const c of candidates) {
    const a = name.toLowerCase();
    const b = c.toLowerCase();
    const longest = Math.max(a.length, b.length);
    const score = longest === 0 ? 1 : 1 - distance(a, b) / longest;
    if (score >= minScore && (!best || score > best.score)) best = { value: c, score };
  }
  return best;
}

export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}
