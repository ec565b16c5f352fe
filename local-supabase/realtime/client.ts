import WebSocket from 'ws';
import type { JwtClaims, Keys } from '../auth/keys.ts';
import { readDeniedMessage, readRevokedMessage, type ChannelAuthRequest, type ChannelAuthVerdict } from './authorization.ts';
import { Channel, readBindings, readBroadcastSelf, readPresenceEnabled, readWait } from './channel.ts';
import { receives, type DbMessage, type MemberState } from './db-message.ts';
import { checkJoinPayload, readPrivate } from './join-payload.ts';
import type { Limits } from './limits.ts';
import { decodeBinary, decodeText, encodeFrame, encodeUserBroadcast, reply, type BinaryBroadcast, type Frame, type Vsn } from './protocol.ts';
import {
  readReplay,
  REPLAY_FAILED_REASON,
  REPLAY_INVALID_REASON,
  REPLAY_PUBLIC_REASON,
  type ReplayedMessage,
} from './replay.ts';
import { checkToken, failureMessage, joinErrorReason } from './tokens.ts';

/** What a socket needs from the server: subscriptions, broadcast fan-out, logging. */
export interface ClientHost {
  keys: Keys;
  limits: Limits;
  log: (msg: string) => void;
  /** Validates and registers the channel's postgres_changes; resolves to the system message to send. */
  subscribe(channel: Channel): Promise<{ status: 'ok' | 'error'; message: string } | null>;
  unsubscribe(channel: Channel): void;
  broadcast(from: Client, topic: string, message: BroadcastMessage, self: boolean, isPrivate: boolean): void;
  /** Verdict for a private channel (`config.private: true`), after the token was checked. */
  authorizePrivate(req: ChannelAuthRequest): Promise<ChannelAuthVerdict>;
  /** Whether a private channel's member may broadcast (INSERT policies). */
  canWrite(req: ChannelAuthRequest): Promise<boolean>;
  /** A private channel's `config.broadcast.replay`. */
  replay(subTopic: string, since: number, limit: number): Promise<ReplayedMessage[]>;
  onClose(client: Client): void;
}

/** A broadcast to fan out: the decoded payload, and the original bytes when it arrived binary. */
export interface BroadcastMessage {
  payload: unknown;
  binary?: BinaryBroadcast;
}

const UNMATCHED = { reason: 'unmatched topic' };

export class Client {
  readonly channels = new Map<string, Channel>();
  lastSeen = Date.now();
  private joinTimes: number[] = [];
  private closed = false;
  /**
   * Frames waiting behind a join. A socket's joins run one at a time, in order, as Phoenix's socket
   * process runs them, each after a turn of the event loop: a storm of joins in one read (50 joins
   * of 100 bindings each) would otherwise hold the process for 100-200 ms, and every HTTP request
   * with it. Later frames wait behind a join so that a leave or a broadcast never overtakes it.
   */
  private inbox: Frame[] = [];
  private pumping = false;

  constructor(
    readonly ws: WebSocket,
    readonly vsn: Vsn,
    /** The connect-time apikey as a JWT (sb_ keys already mapped). */
    readonly connectToken: string,
    private host: ClientHost,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('close', () => this.cleanup());
    ws.on('error', () => this.cleanup());
  }

  get channelCount(): number {
    return this.channels.size;
  }

  sendRaw(text: string): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    // A slow reader must not make us buffer without bound: drop it, it will reconnect.
    if (this.ws.bufferedAmount > this.host.limits.maxBufferedBytes) {
      this.host.log('realtime: dropping a client whose send buffer is full');
      this.ws.terminate();
      this.cleanup();
      return;
    }
    this.ws.send(text);
  }

  private sendBinary(buf: Buffer): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.host.limits.maxBufferedBytes) {
      this.host.log('realtime: dropping a client whose send buffer is full');
      this.ws.terminate();
      this.cleanup();
      return;
    }
    this.ws.send(buf, { binary: true });
  }

  send(frame: Frame, rawPayload?: string): void {
    this.sendRaw(encodeFrame(frame, this.vsn, rawPayload));
  }

  deliver(channel: Channel, ids: number[], rawData: string): void {
    this.send(
      { joinRef: null, ref: null, topic: channel.topic, event: 'postgres_changes', payload: null },
      `{"ids":${JSON.stringify(ids)},"data":${rawData}}`,
    );
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
    this.cleanup();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const ch of this.channels.values()) this.dropChannel(ch);
    this.channels.clear();
    this.host.onClose(this);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.lastSeen = Date.now();
    const decoded = isBinary ? decodeBinary(data) : decodeText(data.toString('utf8'), this.vsn);
    if (!decoded.ok) {
      this.host.log(`realtime: ignoring malformed frame (${decoded.error})`);
      return;
    }
    const frame = decoded.frame;
    // Heartbeats are answered at once, even behind a slow join, so the client does not drop the socket.
    if (frame.topic === 'phoenix' || (!this.pumping && frame.event !== 'phx_join')) {
      this.routeSafely(frame);
      return;
    }
    this.inbox.push(frame);
    if (!this.pumping) void this.pump();
  }

  private routeSafely(frame: Frame): void {
    try {
      this.route(frame);
    } catch (err) {
      this.crashed(frame.topic, err);
    }
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (let frame = this.inbox.shift(); frame && !this.closed; frame = this.inbox.shift()) {
        if (frame.event !== 'phx_join') {
          this.routeSafely(frame);
          continue;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.closed) break;
        await this.join(frame).catch((err: unknown) => this.joinCrashed(frame, err));
      }
    } finally {
      this.inbox = [];
      this.pumping = false;
    }
  }

  private route(frame: Frame): void {
    if (frame.topic === 'phoenix') {
      if (frame.event === 'heartbeat') this.send(reply({ ...frame, joinRef: null }, 'ok', {}));
      return;
    }
    const channel = this.channels.get(frame.topic);
    if (!channel) {
      this.send(reply({ ...frame, joinRef: null }, 'error', UNMATCHED));
      return;
    }
    switch (frame.event) {
      case 'phx_leave':
        this.send(reply(frame, 'ok', {}));
        this.closeChannel(channel);
        return;
      case 'access_token':
        void this.refreshToken(channel, frame.payload).catch((err) => this.crashed(frame.topic, err));
        return;
      case 'broadcast':
        this.onBroadcast(channel, frame);
        return;
      case 'presence':
        this.send(reply(frame, 'ok', {}));
        return;
      default:
        // Realtime ignores events it does not know on a joined channel.
        return;
    }
  }

  private onBroadcast(channel: Channel, frame: Frame): void {
    const size = frame.binary ? frame.binary.body.length : Buffer.byteLength(JSON.stringify(frame.payload ?? null));
    if (size > this.host.limits.maxBroadcastPayloadBytes) {
      // Tenants.validate_payload_size: refused, nothing fanned out; `ack` clients see the reason.
      if (frame.ref !== null) this.send(reply(frame, 'error', { error: 'payload_size_exceeded' }));
      return;
    }
    if (channel.private) {
      void this.privateBroadcast(channel, frame).catch((err) => this.crashed(frame.topic, err));
      return;
    }
    this.fanOut(channel, frame);
  }

  private fanOut(channel: Channel, frame: Frame): void {
    const message = { payload: frame.payload, binary: frame.binary };
    this.host.broadcast(this, channel.topic, message, channel.broadcastSelf, channel.private);
    // Only clients with `broadcast.ack` wait for this; the others ignore a reply to their ref.
    if (frame.ref !== null) this.send(reply(frame, 'ok', {}));
  }

  /** BroadcastHandler for a private channel: INSERT policies decide (once per token); a refusal is silent. */
  private async privateBroadcast(channel: Channel, frame: Frame): Promise<void> {
    const policies = channel.policies;
    if (!policies) return;
    if (policies.broadcastWrite === null) {
      const gen = channel.generation;
      const allowed = await this.host.canWrite(this.authRequest(channel));
      if (channel.closed || gen !== channel.generation) return;
      policies.broadcastWrite = allowed;
    }
    if (policies.broadcastWrite) this.fanOut(channel, frame);
  }

  private authRequest(channel: Channel): ChannelAuthRequest {
    return { subTopic: channel.subTopic, role: channel.role, claims: channel.claims, presence: channel.presence };
  }

  private systemMessage(channel: Channel, extension: 'postgres_changes' | 'system', status: 'ok' | 'error', message: string) {
    this.send({
      joinRef: channel.joinRef,
      ref: null,
      topic: channel.topic,
      event: 'system',
      payload: { message, status, extension, channel: channel.subTopic },
    });
  }

  private joinError(frame: Frame, reason: string, delay = true): void {
    const sendIt = () => {
      if (!this.closed) this.send(reply(frame, 'error', { reason }));
    };
    if (delay && this.host.limits.joinErrorDelayMs > 0) setTimeout(sendIt, this.host.limits.joinErrorDelayMs).unref();
    else sendIt();
  }

  private async join(frame: Frame): Promise<void> {
    const { limits } = this.host;
    if (!frame.topic.startsWith('realtime:')) {
      this.send(reply({ ...frame, joinRef: null }, 'error', UNMATCHED));
      return;
    }
    const now = Date.now();
    this.joinTimes = this.joinTimes.filter((t) => now - t < 1000);
    this.joinTimes.push(now);
    if (this.joinTimes.length > limits.maxJoinsPerSecond) {
      this.joinError(frame, 'ClientJoinRateLimitReached: Too many joins per second', false);
      this.close(1000, 'Too many joins per second');
      return;
    }
    const existing = this.channels.get(frame.topic);
    if (existing) {
      // Duplicate join on the same socket: the old channel is shut down, the new join proceeds.
      this.closeChannel(existing);
    }
    if (frame.topic === 'realtime:') {
      this.joinError(frame, 'TopicNameRequired: You must provide a topic name');
      return;
    }
    if (this.channels.size >= limits.maxChannelsPerClient) {
      this.joinError(frame, 'ChannelRateLimitReached: Too many channels');
      return;
    }
    // Before anything walks the params (hashing, echoing): depth and size first.
    const invalid = checkJoinPayload(frame.payload, {
      maxDepth: limits.maxJoinDepth,
      maxBindings: limits.maxBindingsPerChannel,
      maxBindingBytes: limits.maxBindingBytes,
    });
    if (invalid) {
      this.joinError(frame, invalid);
      return;
    }
    const bindings = readBindings(frame.payload);
    const accessToken = (frame.payload as { access_token?: unknown } | null)?.access_token;
    const token = typeof accessToken === 'string' && !accessToken.startsWith('sb_') ? accessToken : this.connectToken;
    const checked = await checkToken(this.host.keys, token);
    if (this.closed) return;
    if (!checked.ok) {
      this.joinError(frame, joinErrorReason(checked.failure));
      return;
    }
    const isPrivate = readPrivate(frame.payload);
    const presence = readPresenceEnabled(frame.payload);
    let policies: Channel['policies'] = null;
    if (isPrivate) {
      const verdict = await this.host.authorizePrivate({
        subTopic: frame.topic.slice('realtime:'.length),
        role: checked.claims.role,
        claims: checked.claims,
        presence,
      });
      if (this.closed) return;
      if (!verdict.ok) {
        this.joinError(frame, verdict.reason);
        return;
      }
      policies = verdict.policies;
    }
    // Replay (private channels only, read policy required) is read before the join is answered.
    const replay = readReplay(frame.payload);
    let replayed: ReplayedMessage[] = [];
    if (replay.kind !== 'none') {
      const subTopic = frame.topic.slice('realtime:'.length);
      if (!isPrivate) return this.joinError(frame, REPLAY_PUBLIC_REASON);
      if (!policies?.broadcastRead) return this.joinError(frame, `Unauthorized: ${readDeniedMessage(subTopic)}`);
      if (replay.kind === 'invalid') return this.joinError(frame, REPLAY_INVALID_REASON);
      try {
        replayed = await this.host.replay(subTopic, replay.since, replay.limit);
      } catch (err) {
        this.host.log(`realtime: replay of ${frame.topic} failed: ${err instanceof Error ? err.message : err}`);
        return this.joinError(frame, REPLAY_FAILED_REASON);
      }
      if (this.closed) return;
    }
    // Another join for this topic may have raced ahead while the token was checked.
    const raced = this.channels.get(frame.topic);
    if (raced) this.closeChannel(raced);
    const channel = new Channel(
      frame.topic,
      frame.joinRef,
      token,
      checked.claims,
      bindings,
      readBroadcastSelf(frame.payload),
      (ch, ids, raw) => this.deliver(ch, ids, raw),
    );
    channel.private = isPrivate;
    channel.presence = presence;
    channel.policies = policies;
    for (const m of replayed) channel.replayedIds.add(m.id);
    this.channels.set(frame.topic, channel);
    this.scheduleExpiry(channel);
    const okReply = () => {
      this.send(reply(frame, 'ok', { postgres_changes: bindings.map((b) => ({ ...b.params, id: b.id })) }));
      this.sendReplay(channel, replayed);
    };
    if (readWait(frame.payload)) {
      const result = await this.host.subscribe(channel);
      if (channel.closed) return;
      okReply();
      if (result) this.systemMessage(channel, 'postgres_changes', result.status, result.message);
      return;
    }
    okReply();
    await this.resubscribe(channel);
  }

  private async resubscribe(channel: Channel): Promise<void> {
    const gen = channel.generation;
    const result = await this.host.subscribe(channel);
    if (channel.closed || gen !== channel.generation || !result) return;
    this.systemMessage(channel, 'postgres_changes', result.status, result.message);
  }

  private scheduleExpiry(channel: Channel): void {
    if (channel.expiryTimer) clearTimeout(channel.expiryTimer);
    const msLeft = channel.claims.exp * 1000 - Date.now();
    const wait = Math.max(0, Math.min(this.host.limits.tokenCheckMaxMs, msLeft));
    channel.expiryTimer = setTimeout(() => {
      channel.expiryTimer = null;
      if (channel.closed) return;
      const secondsAgo = Math.floor(Date.now() / 1000 - channel.claims.exp);
      if (secondsAgo >= 0) {
        this.systemMessage(channel, 'system', 'error', failureMessage({ kind: 'expired', secondsAgo }));
        this.closeChannel(channel);
      } else {
        this.scheduleExpiry(channel);
      }
    }, wait);
    channel.expiryTimer.unref();
  }

  private async refreshToken(channel: Channel, payload: unknown): Promise<void> {
    const token = (payload as { access_token?: unknown } | null)?.access_token;
    // Real Realtime ignores null, sb_ keys and the token it already has; it never replies.
    if (typeof token !== 'string' || token.startsWith('sb_') || token === channel.token) return;
    const checked = await checkToken(this.host.keys, token);
    if (channel.closed) return;
    if (!checked.ok) {
      this.systemMessage(channel, 'system', 'error', failureMessage(checked.failure));
      this.closeChannel(channel);
      return;
    }
    const claims = checked.claims as JwtClaims & { role: string; exp: number };
    if (channel.private) {
      // Policies are evaluated again for the new token (handle_in "access_token" + maybe_assign_policies).
      const previous = channel.policies;
      const gen = channel.generation;
      const verdict = await this.host.authorizePrivate({
        subTopic: channel.subTopic,
        role: claims.role,
        claims,
        presence: channel.presence,
      });
      if (channel.closed || gen !== channel.generation) return;
      if (!verdict.ok) {
        this.systemMessage(channel, 'system', 'error', readDeniedMessage(channel.subTopic));
        this.closeChannel(channel);
        return;
      }
      const revoked =
        (previous?.broadcastRead === true && !verdict.policies.broadcastRead) ||
        (previous?.presenceRead === true && verdict.policies.presenceRead === false);
      if (revoked) {
        this.systemMessage(channel, 'system', 'error', readRevokedMessage(channel.subTopic));
        this.closeChannel(channel);
        return;
      }
      channel.policies = verdict.policies;
    }
    channel.setToken(token, claims);
    channel.generation++;
    this.scheduleExpiry(channel);
    if (channel.bindings.length === 0) return;
    if (channel.resubscribeTimer) clearTimeout(channel.resubscribeTimer);
    channel.resubscribeTimer = setTimeout(() => {
      channel.resubscribeTimer = null;
      void this.resubscribe(channel).catch(() => undefined);
    }, this.host.limits.resubscribeDelayMs);
    channel.resubscribeTimer.unref();
  }

  /** Server-side close of one channel: phx_close with ref = join_ref. */
  closeChannel(channel: Channel): void {
    this.send({ joinRef: channel.joinRef, ref: channel.joinRef, topic: channel.topic, event: 'phx_close', payload: {} });
    this.dropChannel(channel);
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
  }

  /** A join that failed before its channel existed still gets an answer (never silence). */
  private joinCrashed(frame: Frame, err: unknown): void {
    const channel = this.channels.get(frame.topic);
    if (channel && channel.joinRef === frame.joinRef) return this.crashed(frame.topic, err);
    this.host.log(`realtime: join of ${frame.topic} failed: ${err instanceof Error ? err.stack : err}`);
    this.joinError(frame, 'UnknownErrorOnChannel: the join could not be processed');
  }

  /** Like a crashed Phoenix channel process: phx_error, and the client rejoins by itself. */
  private crashed(topic: string, err: unknown): void {
    this.host.log(`realtime: channel ${topic} failed: ${err instanceof Error ? err.stack : err}`);
    const channel = this.channels.get(topic);
    if (channel && !this.closed) this.errorChannel(channel);
  }

  /** phx_error: the client reports CHANNEL_ERROR and rejoins on its own. */
  errorChannel(channel: Channel): void {
    this.send({ joinRef: channel.joinRef, ref: channel.joinRef, topic: channel.topic, event: 'phx_error', payload: {} });
    this.dropChannel(channel);
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
  }

  private dropChannel(channel: Channel): void {
    channel.closed = true;
    channel.generation++;
    channel.clearTimers();
    this.host.unsubscribe(channel);
  }

  /** Replayed messages: pushed by the channel (join_ref set) as text, with meta.replayed (realtime_channel.ex replay/3). */
  private sendReplay(channel: Channel, messages: ReplayedMessage[]): void {
    for (const m of messages) {
      const meta = JSON.stringify({ replayed: true, id: m.id });
      this.send(
        { joinRef: channel.joinRef, ref: null, topic: channel.topic, event: 'broadcast', payload: null },
        `{"payload":${m.payloadJson},"event":${JSON.stringify(m.event)},"type":"broadcast","meta":${meta}}`,
      );
    }
  }

  /**
   * A committed realtime.messages row: to the member of that topic whose channel has the same privacy
   * and, when private, passed the broadcast read policy. Binary kind 4 with meta {id} on vsn 2.0.0, as
   * Realtime's replication handler sends a UserBroadcast; a JSON broadcast with meta on vsn 1.0.0.
   */
  deliverDbMessage(msg: DbMessage): boolean {
    const ch = this.channels.get(`realtime:${msg.topic}`);
    if (!ch || !receives(memberState(ch), msg)) return false;
    const meta = JSON.stringify({ id: msg.id });
    if (this.vsn === '2.0.0') {
      const buf = encodeUserBroadcast(ch.topic, { event: msg.event, meta, encoding: 1, body: Buffer.from(msg.payloadJson, 'utf8') });
      if (buf) {
        this.sendBinary(buf);
        return true;
      }
    }
    this.send(
      { joinRef: null, ref: null, topic: ch.topic, event: 'broadcast', payload: null },
      `{"event":${JSON.stringify(msg.event)},"payload":${msg.payloadJson},"type":"broadcast","meta":${meta}}`,
    );
    return true;
  }

  broadcastTo(topic: string, message: BroadcastMessage, isPrivate = false): void {
    const ch = this.channels.get(topic);
    // A private member that may not read broadcast (joined on presence read only) gets none.
    if (!ch || !receives(memberState(ch), { private: isPrivate })) return;
    const { binary } = message;
    if (binary && this.vsn === '2.0.0') {
      // As Realtime's V2 serializer: a broadcast that arrived binary leaves as binary kind 4, bytes
      // untouched (never a JSON rendering of a Buffer).
      const buf = encodeUserBroadcast(topic, binary);
      if (buf) return this.sendBinary(buf);
    }
    // vsn 1.0.0 speaks JSON only: raw bytes cannot be carried, JSON payloads go as text.
    if (binary && binary.encoding === 0) return;
    this.send({ joinRef: null, ref: null, topic, event: 'broadcast', payload: message.payload });
  }
}

const memberState = (ch: Channel): MemberState => ({
  closed: ch.closed,
  private: ch.private,
  broadcastRead: ch.policies?.broadcastRead ?? null,
  replayedIds: ch.replayedIds,
});
