// Phoenix socket framing as realtime-js speaks it: vsn 2.0.0 sends arrays
// [join_ref, ref, topic, event, payload]; vsn 1.0.0 sends objects. Broadcast pushes from
// the client arrive as binary kind-3 frames (§1.2 of the protocol notes).

export type Vsn = '1.0.0' | '2.0.0';

export interface Frame {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
  /** Set for a binary kind-3 broadcast push: the bytes as sent, so fan-out can forward them as kind 4. */
  binary?: BinaryBroadcast;
}

export interface BinaryBroadcast {
  event: string;
  /** Metadata JSON text ('' for none). */
  meta: string;
  /** 0 = raw bytes, 1 = JSON text. */
  encoding: 0 | 1;
  body: Buffer;
}

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; error: string };

const isRef = (v: unknown): v is string | null | undefined =>
  v === null || v === undefined || typeof v === 'string';

function toRef(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

export function parseVsn(value: string | null): Vsn | null {
  if (value === null || value === '' || value.startsWith('1.')) return '1.0.0';
  if (value.startsWith('2.')) return '2.0.0';
  return null;
}

export function decodeText(text: string, vsn: Vsn): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'invalid JSON' };
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(raw) || raw.length < 5) return { ok: false, error: 'expected a 5-element array' };
    const [joinRef, ref, topic, event, payload] = raw as unknown[];
    if (typeof topic !== 'string' || typeof event !== 'string') return { ok: false, error: 'bad topic or event' };
    if (!isRef(joinRef) && typeof joinRef !== 'number') return { ok: false, error: 'bad join_ref' };
    if (!isRef(ref) && typeof ref !== 'number') return { ok: false, error: 'bad ref' };
    return { ok: true, frame: { joinRef: toRef(joinRef), ref: toRef(ref), topic, event, payload } };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'expected an object' };
  const o = raw as Record<string, unknown>;
  if (typeof o.topic !== 'string' || typeof o.event !== 'string') return { ok: false, error: 'bad topic or event' };
  return {
    ok: true,
    frame: { joinRef: toRef(o.join_ref), ref: toRef(o.ref), topic: o.topic, event: o.event, payload: o.payload },
  };
}

// Binary kind 3 (USER_BROADCAST_PUSH): u8 kind, u8 len(join_ref), u8 len(ref), u8 len(topic),
// u8 len(event), u8 len(metadata), u8 encoding (0 binary, 1 JSON), then the fields and payload.
export function decodeBinary(buf: Buffer): DecodeResult {
  if (buf.length < 7 || buf[0] !== 3) return { ok: false, error: 'unsupported binary frame' };
  const lens = [buf[1]!, buf[2]!, buf[3]!, buf[4]!, buf[5]!];
  const encoding = buf[6]!;
  let offset = 7;
  const parts: string[] = [];
  for (const len of lens) {
    if (offset + len > buf.length) return { ok: false, error: 'truncated binary frame' };
    parts.push(buf.subarray(offset, offset + len).toString('utf8'));
    offset += len;
  }
  const [joinRef, ref, topic, userEvent, metadata] = parts as [string, string, string, string, string];
  const body = buf.subarray(offset);
  let payload: unknown;
  if (encoding === 1) {
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return { ok: false, error: 'invalid JSON in binary frame' };
    }
  } else {
    payload = Buffer.from(body);
  }
  let meta: unknown = undefined;
  if (metadata !== '') {
    try {
      meta = JSON.parse(metadata);
    } catch {
      meta = undefined;
    }
  }
  return {
    ok: true,
    frame: {
      joinRef: joinRef === '' ? null : joinRef,
      ref: ref === '' ? null : ref,
      topic,
      event: 'broadcast',
      payload: { type: 'broadcast', event: userEvent, payload, ...(meta === undefined ? {} : { meta }) },
      binary: { event: userEvent, meta: meta === undefined ? '' : metadata, encoding: encoding === 1 ? 1 : 0, body: Buffer.from(body) },
    },
  };
}

// Binary kind 4 (USER_BROADCAST), the only binary frame realtime-js decodes: u8 4, u8 len(topic),
// u8 len(event), u8 len(metadata), u8 encoding, then topic, event, metadata and the payload bytes.
// Null when a field does not fit its one-byte length (the caller falls back to a text frame).
export function encodeUserBroadcast(topic: string, b: BinaryBroadcast): Buffer | null {
  const head = [topic, b.event, b.meta].map((x) => Buffer.from(x, 'utf8'));
  if (head.some((x) => x.length > 255)) return null;
  return Buffer.concat([Buffer.from([4, head[0]!.length, head[1]!.length, head[2]!.length, b.encoding]), ...head, b.body]);
}

// Encodes a frame for the wire. `rawPayload` lets hot paths splice pre-serialised JSON.
export function encodeFrame(frame: Frame, vsn: Vsn, rawPayload?: string): string {
  const payload = rawPayload ?? JSON.stringify(frame.payload ?? {});
  if (vsn === '2.0.0') {
    return `[${JSON.stringify(frame.joinRef)},${JSON.stringify(frame.ref)},${JSON.stringify(frame.topic)},${JSON.stringify(frame.event)},${payload}]`;
  }
  return `{"topic":${JSON.stringify(frame.topic)},"event":${JSON.stringify(frame.event)},"payload":${payload},"ref":${JSON.stringify(frame.ref)}}`;
}

export function reply(frame: Frame, status: 'ok' | 'error', response: unknown): Frame {
  return { joinRef: frame.joinRef, ref: frame.ref, topic: frame.topic, event: 'phx_reply', payload: { status, response } };
}
