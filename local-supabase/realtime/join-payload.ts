// Checks on a phx_join payload before anything walks it recursively (binding ids hash the params,
// the reply echoes them). A hostile payload gets a join error with a reason, never silence or a
// crashed socket. Supabase's Realtime has no such caps (it hashes any term); these are the local
// stack's, chosen far above anything a client library sends (realtime-js nests 4 levels).

export interface JoinPayloadLimits {
  /** Deepest nesting of objects/arrays in the whole payload. */
  maxDepth: number;
  /** Largest JSON size of one postgres_changes binding's params. */
  maxBindingBytes: number;
  /** postgres_changes bindings in one join. */
  maxBindings: number;
}

export const DEFAULT_JOIN_PAYLOAD_LIMITS: JoinPayloadLimits = { maxDepth: 32, maxBindings: 100, maxBindingBytes: 64 * 1024 };

/** Nesting depth of a JSON value without recursion; stops counting once past `cap`. */
export function jsonDepth(value: unknown, cap: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > cap) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth]);
    }
  }
  return max;
}

/** The join error reason for a payload over the limits, or null when it may be joined. */
export function checkJoinPayload(payload: unknown, limits: JoinPayloadLimits): string | null {
  if (payload !== undefined && payload !== null && (typeof payload !== 'object' || Array.isArray(payload))) {
    return 'InvalidJoinPayload: the join payload must be an object';
  }
  if (jsonDepth(payload, limits.maxDepth) > limits.maxDepth) {
    return `InvalidJoinPayload: the join payload is nested more than ${limits.maxDepth} levels deep`;
  }
  const list = (payload as { config?: { postgres_changes?: unknown } } | null)?.config?.postgres_changes;
  if (!Array.isArray(list)) return null;
  if (list.length > limits.maxBindings) {
    return `InvalidJoinPayload: at most ${limits.maxBindings} postgres_changes bindings per channel, got ${list.length}`;
  }
  for (let i = 0; i < list.length; i++) {
    const bytes = Buffer.byteLength(JSON.stringify(list[i]) ?? '');
    if (bytes > limits.maxBindingBytes) {
      return `InvalidJoinPayload: postgres_changes binding ${i} is ${bytes} bytes, more than ${limits.maxBindingBytes}`;
    }
  }
  return null;
}

/** `config.private`, as realtime-js sends it for `supabase.channel(name, { config: { private: true } })`. */
export function readPrivate(payload: unknown): boolean {
  return (payload as { config?: { private?: unknown } } | null)?.config?.private === true;
}
