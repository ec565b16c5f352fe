// Realtime answers each postgres_changes binding with `id = :erlang.phash2(params)`, an integer in
// 0..2^27-1 that only has to be deterministic: the client matches event `ids` against it with ===.
// We hash a canonical JSON form (sorted keys) with 32-bit FNV-1a and keep the low 27 bits.

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value as Record<string, unknown>).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function bindingId(params: Record<string, unknown>): number {
  const text = canonical(params);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash & 0x7ffffff;
}
