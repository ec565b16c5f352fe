import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, RawSocket, RUN, sleep, startHarness, SUPPORT, waitFor, type Harness, type SystemMessage } from './realtime-harness.ts';
import { mulberry32 as rng } from '../support/rng.ts';

// Realtime Authorization and Broadcast from the database, with the real supabase-js: private joins
// decided by SELECT policies on realtime.messages, client broadcasts by INSERT policies, policies
// re-checked on a new access token, realtime.send() delivered once after commit in commit order (never
// for a rollback, never to a member without permission), and replay within Supabase's limits.

const ROOM = `room-${RUN}`; // admins read and write; support reads
const STAFF_ONLY = `admins-${RUN}`; // admins read only
const POLICY_READ = `rt_test_read_${RUN}`;
const POLICY_WRITE = `rt_test_write_${RUN}`;

interface Got {
  event: string;
  payload: Record<string, unknown>;
  meta?: { id?: string; replayed?: boolean };
}

interface Joined {
  channel: RealtimeChannel;
  got: Got[];
  system: SystemMessage[];
  statuses: string[];
  error?: Error;
}

function join(client: SupabaseClient, name: string, config: Record<string, unknown> = { private: true }): Joined {
  const j: Joined = { channel: client.channel(name, { config }), got: [], system: [], statuses: [] };
  j.channel
    .on('broadcast', { event: '*' }, (m) => j.got.push(m as unknown as Got))
    .on('system', {}, (p: SystemMessage) => j.system.push(p))
    .subscribe((status, err) => {
      j.statuses.push(status);
      if (err) j.error ??= err;
    });
  return j;
}


const subscribed = (j: Joined, what: string) => waitFor(() => j.statuses.includes('SUBSCRIBED'), what);
const refused = (j: Joined, what: string) => waitFor(() => j.error !== undefined, what);

describe('Realtime Authorization and Broadcast from the database', () => {
  let h: Harness;

  const send = (topic: string, payload: object, isPrivate = true, event = 'delta') =>
    h.db.query('select realtime.send($1::jsonb, $2, $3, $4)', [JSON.stringify(payload), event, topic, isPrivate]);

  beforeAll(async () => {
    h = await startHarness();
    // As a migration would write them: staff by role, from public.profiles.
    await h.db.exec(`
      create policy ${POLICY_READ} on realtime.messages for select to authenticated using (
        realtime.messages.extension = 'broadcast' and (
          (realtime.topic() = '${ROOM}' and exists (select 1 from public.profiles p where p.id = auth.uid()))
          or (realtime.topic() = '${STAFF_ONLY}' and exists (select 1 from public.profiles p where p.id = auth.uid() and p.role = 'admin'))));
      create policy ${POLICY_WRITE} on realtime.messages for insert to authenticated with check (
        realtime.messages.extension = 'broadcast' and realtime.topic() = '${ROOM}'
        and exists (select 1 from public.profiles p where p.id = auth.uid() and p.role = 'admin'));`);
  });
  afterAll(async () => {
    await h?.db.exec(`drop policy if exists ${POLICY_READ} on realtime.messages; drop policy if exists ${POLICY_WRITE} on realtime.messages;`);
    await h?.close();
  });

  it('joins a private channel only when the SELECT policies let the JWT read its topic', async () => {
    const admin = await h.signIn(ADMIN);
    const support = await h.signIn(SUPPORT);
    const ok = join(admin, STAFF_ONLY);
    const no = join(support, STAFF_ONLY);
    await subscribed(ok, 'the admin join');
    await refused(no, 'the support join to be refused');
    expect(no.statuses[0]).toBe('CHANNEL_ERROR');
    expect(no.error!.message).toContain(`Unauthorized: You do not have permissions to read from this Channel topic: ${STAFF_ONLY}`);
    // anon: no policy for it at all.
    const anon = await h.withToken(() => h.keys.anonKey);
    const a = join(anon, ROOM);
    await refused(a, 'the anon join to be refused');
  });

  it('refuses the join when a policy fails with an error, and serves the next join', async () => {
    const topic = `broken-${RUN}`;
    await h.db.exec(`create policy rt_test_broken_${RUN} on realtime.messages for select to authenticated
      using (case when realtime.topic() = '${topic}' then 1 / (length(realtime.topic()) - length(realtime.topic())) = 1 else false end)`);
    try {
      const admin = await h.signIn(ADMIN);
      const j = join(admin, topic);
      await refused(j, 'the join to be refused');
      expect(j.error!.message).toContain(`Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`);
      const ok = join(admin, STAFF_ONLY);
      await subscribed(ok, 'a join on the same socket afterwards');
    } finally {
      await h.db.exec(`drop policy if exists rt_test_broken_${RUN} on realtime.messages`);
    }
  });

  it('delivers realtime.send after commit, in commit order, with the id in payload and meta', async () => {
    const admin = await h.signIn(ADMIN);
    const j = join(admin, STAFF_ONLY);
    await subscribed(j, 'the admin join');
    await send(STAFF_ONLY, { n: 0 });
    await waitFor(() => j.got.length === 1, 'the first message');
    expect(j.got[0]!.event).toBe('delta');
    expect(j.got[0]!.payload.n).toBe(0);
    expect(j.got[0]!.payload.id).toBe(j.got[0]!.meta?.id);
    expect(j.got[0]!.meta?.replayed).toBeUndefined();

    if (process.env.DATABASE_URL) {
      // Two overlapping transactions on two connections: B commits first, so B's messages come first.
      const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
      const b = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await Promise.all([a.connect(), b.connect()]);
      try {
        const q = (c: pg.Client, n: number) =>
          c.query('select realtime.send($1::jsonb, $2, $3, true)', [JSON.stringify({ n }), 'delta', STAFF_ONLY]);
        await a.query('begin');
        await q(a, 1);
        await b.query('begin');
        await q(b, 2);
        await q(a, 3);
        await q(b, 4);
        await b.query('commit');
        await sleep(300);
        expect(j.got.map((g) => g.payload.n)).toEqual([0, 2, 4]);
        await a.query('commit');
      } finally {
        await Promise.all([a.end(), b.end()]);
      }
      await waitFor(() => j.got.length === 5, 'both transactions');
      expect(j.got.map((g) => g.payload.n)).toEqual([0, 2, 4, 1, 3]);
    } else {
      // PGlite is one connection: transactions run one after the other; nothing shows before COMMIT.
      await h.db.transaction(async (tx) => {
        await tx.query('select realtime.send($1::jsonb, $2, $3, true)', ['{"n":1}', 'delta', STAFF_ONLY]);
        await tx.query('select realtime.send($1::jsonb, $2, $3, true)', ['{"n":2}', 'delta', STAFF_ONLY]);
        await sleep(300);
        expect(j.got).toHaveLength(1);
      });
      await send(STAFF_ONLY, { n: 3 });
      await waitFor(() => j.got.length === 4, 'the later messages');
      expect(j.got.map((g) => g.payload.n)).toEqual([0, 1, 2, 3]);
    }
  });

  it('sends database broadcasts as binary kind-4 frames with meta {id} on vsn 2.0.0, and as JSON on vsn 1.0.0', async () => {
    const open = async (vsn: string) => {
      const ws = new WebSocket(RawSocket.url(h, h.keys.anonKey, vsn));
      const binary: Buffer[] = [];
      const text: unknown[] = [];
      ws.on('message', (data: Buffer, isBinary) => (isBinary ? binary.push(data) : text.push(JSON.parse(data.toString()))));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      return { ws, binary, text };
    };
    const token = await h.tokenFor(ADMIN);
    const v2 = await open('2.0.0');
    const v1 = await open('1.0.0');
    const topic = `realtime:${STAFF_ONLY}`;
    v2.ws.send(JSON.stringify(['1', '1', topic, 'phx_join', { access_token: token, config: { private: true } }]));
    v1.ws.send(JSON.stringify({ topic, event: 'phx_join', ref: '1', join_ref: '1', payload: { access_token: token, config: { private: true } } }));
    await waitFor(() => v2.text.length > 0 && v1.text.length > 0, 'both joins');
    await send(STAFF_ONLY, { wire: 'check' });
    await waitFor(() => v2.binary.length === 1 && v1.text.length === 2, 'the message on both sockets');
    const buf = v2.binary[0]!;
    expect(buf[0]).toBe(4);
    const [tl, el, ml, enc] = [buf[1]!, buf[2]!, buf[3]!, buf[4]!];
    expect(enc).toBe(1);
    let at = 5;
    const part = (n: number) => buf.subarray(at, (at += n)).toString('utf8');
    expect(part(tl)).toBe(topic);
    expect(part(el)).toBe('delta');
    const meta = JSON.parse(part(ml)) as { id: string };
    const payload = JSON.parse(buf.subarray(at).toString('utf8')) as { wire: string; id: string };
    expect(payload).toEqual({ wire: 'check', id: meta.id });
    expect(v1.text[1]).toMatchObject({
      topic,
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'delta', payload: { wire: 'check', id: meta.id }, meta: { id: meta.id } },
    });
    v2.ws.terminate();
    v1.ws.terminate();
  });

  it('delivers realtime.broadcast_changes from a row trigger with the shape Supabase sends', async () => {
    const table = `rt_bc_${RUN.toLowerCase()}`;
    await h.db.exec(`
      create table public.${table} (id int primary key, v text);
      create function public.${table}_notify() returns trigger language plpgsql security definer set search_path = '' as $$
      begin
        perform realtime.broadcast_changes('${STAFF_ONLY}', tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
        return null;
      end $$;
      create trigger notify after insert or update or delete on public.${table} for each row execute function public.${table}_notify();`);
    try {
      const admin = await h.signIn(ADMIN);
      const j = join(admin, STAFF_ONLY);
      await subscribed(j, 'the admin join');
      await h.db.query(`insert into public.${table} values (1, 'a')`);
      await h.db.query(`update public.${table} set v = 'b' where id = 1`);
      await h.db.query(`delete from public.${table} where id = 1`);
      await waitFor(() => j.got.length === 3, 'three changes');
      const strip = ({ id: _id, ...rest }: Record<string, unknown>) => rest;
      expect(j.got.map((g) => [g.event, strip(g.payload)])).toEqual([
        ['INSERT', { operation: 'INSERT', schema: 'public', table, record: { id: 1, v: 'a' }, old_record: null }],
        ['UPDATE', { operation: 'UPDATE', schema: 'public', table, record: { id: 1, v: 'b' }, old_record: { id: 1, v: 'a' } }],
        ['DELETE', { operation: 'DELETE', schema: 'public', table, record: null, old_record: { id: 1, v: 'b' } }],
      ]);
    } finally {
      await h.db.exec(`drop table if exists public.${table}; drop function if exists public.${table}_notify();`);
    }
  });

  it('does not deliver a database message over the broadcast payload limit, and carries on', async () => {
    const admin = await h.signIn(ADMIN);
    const j = join(admin, STAFF_ONLY);
    await subscribed(j, 'the admin join');
    await send(STAFF_ONLY, { big: 'x'.repeat(3000 * 1024 + 600) });
    await send(STAFF_ONLY, { small: true });
    await waitFor(() => j.got.length >= 1, 'the small message');
    await sleep(200);
    expect(j.got.map((g) => Object.keys(g.payload).sort())).toEqual([['id', 'small']]);
  });

  it('delivers exactly the committed messages, in commit order, under seeded random interleavings', async () => {
    const admin = await h.signIn(ADMIN);
    const j = join(admin, STAFF_ONLY);
    await subscribed(j, 'the admin join');
    const sql = 'select realtime.send($1::jsonb, $2, $3, true)';
    for (const seed of [11, 12, 13]) {
      const r = rng(seed);
      const expected: string[] = [];
      const before = j.got.length;
      if (process.env.DATABASE_URL) {
        // Two writers on two connections; each step picks one: begin, send, commit or roll back.
        const conns = [0, 1].map(() => new pg.Client({ connectionString: process.env.DATABASE_URL }));
        await Promise.all(conns.map((c) => c.connect()));
        const open: (string[] | null)[] = [null, null];
        try {
          for (let step = 0; step < 40; step++) {
            const w = r() < 0.5 ? 0 : 1;
            const c = conns[w]!;
            const tx = open[w];
            if (!tx) {
              await c.query('begin');
              open[w] = [];
            } else if (r() < 0.6) {
              const tag = `${seed}:${step}:${w}`;
              await c.query(sql, [JSON.stringify({ tag }), 'delta', STAFF_ONLY]);
              tx.push(tag);
            } else if (r() < 0.7) {
              await c.query('commit');
              expected.push(...tx);
              open[w] = null;
            } else {
              await c.query('rollback');
              open[w] = null;
            }
          }
          for (const w of [0, 1]) {
            if (open[w]) {
              await conns[w]!.query('commit');
              expected.push(...open[w]!);
            }
          }
        } finally {
          await Promise.all(conns.map((c) => c.end()));
        }
      } else {
        // One connection: random transactions, committed or rolled back, between plain sends.
        for (let step = 0; step < 15; step++) {
          const tags = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => `${seed}:${step}:${i}`);
          const commit = r() < 0.6;
          await h.db
            .transaction(async (tx) => {
              for (const tag of tags) await tx.query(sql, [JSON.stringify({ tag }), 'delta', STAFF_ONLY]);
              if (!commit) throw new Error('roll back');
            })
            .catch(() => undefined);
          if (commit) expected.push(...tags);
          if (r() < 0.3) {
            const tag = `${seed}:${step}:plain`;
            await h.db.query(sql, [JSON.stringify({ tag }), 'delta', STAFF_ONLY]);
            expected.push(tag);
          }
        }
      }
      const end = `${seed}:end`;
      await send(STAFF_ONLY, { tag: end });
      expected.push(end);
      await waitFor(() => j.got.some((g) => g.payload.tag === end), `the end marker of seed ${seed}`);
      expect(j.got.slice(before).map((g) => g.payload.tag), `seed ${seed}`).toEqual(expected);
    }
  });

  it('delivers a message sent by a deferred constraint trigger at commit, once per transaction', async () => {
    // The shape part of the dashboard's delta trigger takes: rows queue work, one deferred trigger sends.
    const table = `rt_def_${RUN.toLowerCase()}`;
    await h.db.exec(`
      create table public.${table} (id int primary key);
      create function public.${table}_send() returns trigger language plpgsql security definer set search_path = '' as $$
      begin
        if coalesce(current_setting('rt_test.sent', true), '') = '' then
          perform set_config('rt_test.sent', '1', true);
          perform realtime.send(jsonb_build_object('rows', (select count(*) from public.${table})), 'delta', '${STAFF_ONLY}');
        end if;
        return null;
      end $$;
      create constraint trigger send_at_commit after insert on public.${table} deferrable initially deferred
        for each row execute function public.${table}_send();`);
    try {
      const admin = await h.signIn(ADMIN);
      const j = join(admin, STAFF_ONLY);
      await subscribed(j, 'the admin join');
      await h.db.query(`insert into public.${table} select generate_series(1, 50)`);
      await h.db.query(`insert into public.${table} values (51)`);
      await waitFor(() => j.got.length >= 2, 'two deltas');
      await sleep(200);
      expect(j.got.map((g) => g.payload.rows)).toEqual([50, 51]);
    } finally {
      await h.db.exec(`drop table if exists public.${table}; drop function if exists public.${table}_send();`);
    }
  });

  it('delivers nothing for a rolled-back transaction', async () => {
    const admin = await h.signIn(ADMIN);
    const j = join(admin, STAFF_ONLY);
    await subscribed(j, 'the admin join');
    await h.db
      .transaction(async (tx) => {
        await tx.query('select realtime.send($1::jsonb, $2, $3, true)', ['{"n":"rolled back"}', 'delta', STAFF_ONLY]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await send(STAFF_ONLY, { n: 'after' });
    await waitFor(() => j.got.length >= 1, 'the committed message');
    await sleep(200);
    expect(j.got.map((g) => g.payload.n)).toEqual(['after']);
  });

  it('never gives a private message to a member without permission, nor to the public channel of that name', async () => {
    const admin = await h.signIn(ADMIN);
    const support = await h.signIn(SUPPORT);
    const reader = join(admin, STAFF_ONLY);
    const outsider = join(support, STAFF_ONLY);
    // Another socket: supabase-js keeps one channel per topic name per client.
    const publicSide = join(await h.signIn(SUPPORT), STAFF_ONLY, { private: false });
    await subscribed(reader, 'the admin join');
    await subscribed(publicSide, 'the public join');
    await refused(outsider, 'the support private join to be refused');
    await send(STAFF_ONLY, { secret: true });
    await send(STAFF_ONLY, { open: true }, false);
    await waitFor(() => reader.got.length === 1 && publicSide.got.length === 1, 'one message each');
    await sleep(200);
    expect(reader.got[0]!.payload.secret).toBe(true);
    expect(publicSide.got.map((g) => g.payload)).toEqual([expect.objectContaining({ open: true })]);
    expect(outsider.got).toEqual([]);
  });

  it('fans out client broadcasts on a private channel only from members the INSERT policies allow', async () => {
    const admin = await h.signIn(ADMIN);
    const support = await h.signIn(SUPPORT);
    const listener = await h.signIn(ADMIN);
    const from = join(admin, ROOM, { private: true, broadcast: { ack: true } });
    const blocked = join(support, ROOM, { private: true, broadcast: { ack: true } });
    const to = join(listener, ROOM);
    await subscribed(from, 'the admin join');
    await subscribed(blocked, 'the support join (read allowed)');
    await subscribed(to, 'the listener join');
    const refusedSend = blocked.channel.send({ type: 'broadcast', event: 'chat', payload: { who: 'support' } }, { timeout: 1000 } as never);
    expect(await from.channel.send({ type: 'broadcast', event: 'chat', payload: { who: 'admin' } })).toBe('ok');
    expect(await refusedSend).toBe('timed out');
    await waitFor(() => to.got.length >= 1, 'the admin broadcast');
    await sleep(200);
    expect(to.got.map((g) => g.payload.who)).toEqual(['admin']);
  });

  it('closes a private channel when a new access token no longer passes the policies', async () => {
    let token = await h.tokenFor(ADMIN);
    const client = await h.withToken(() => token);
    const j = join(client, STAFF_ONLY);
    await subscribed(j, 'the admin join');
    // A token for the same user still passes: the channel stays.
    token = await h.tokenFor(ADMIN, 1800);
    await client.realtime.setAuth();
    await sleep(300);
    expect(j.statuses).toEqual(['SUBSCRIBED']);
    token = await h.tokenFor(SUPPORT);
    await client.realtime.setAuth();
    await waitFor(() => j.statuses.includes('CLOSED'), 'the channel to close');
    expect(j.system).toContainEqual(
      expect.objectContaining({
        status: 'error',
        extension: 'system',
        message: `You do not have permissions to read from this Channel topic: ${STAFF_ONLY}`,
      }),
    );
    await send(STAFF_ONLY, { after: 'revocation' });
    await sleep(300);
    expect(j.got).toEqual([]);
  });

  it('replays at most 25 private messages since the given time, oldest first, flagged replayed, and not again live', async () => {
    const topic = `replay-${RUN}-${Date.now()}`;
    await h.db.exec(`create policy rt_test_replay_${RUN} on realtime.messages for select to authenticated using (realtime.topic() = '${topic}');`);
    try {
      const since = Date.now() - 1000;
      // One message from 80 hours ago (beyond the 72 h kept), then 30 new ones.
      await h.db.query(
        `insert into realtime.messages (topic, extension, event, payload, private, inserted_at)
         values ($1, 'broadcast', 'old', '{"n":-1}', true, (now() - interval '80 hours')::timestamp)`,
        [topic],
      );
      for (let n = 0; n < 30; n++) await send(topic, { n });
      const admin = await h.signIn(ADMIN);
      const all = join(admin, topic, { private: true, broadcast: { replay: { since: 0, limit: 100 } } });
      await subscribed(all, 'the replaying join');
      await waitFor(() => all.got.length === 25, '25 replayed messages');
      expect(all.got.map((g) => g.payload.n)).toEqual(Array.from({ length: 25 }, (_, i) => i + 5));
      expect(all.got.every((g) => g.meta?.replayed === true && g.meta.id === g.payload.id)).toBe(true);

      const other = await h.signIn(ADMIN);
      const few = join(other, topic, { private: true, broadcast: { replay: { since, limit: 3 } } });
      await subscribed(few, 'the second replaying join');
      await waitFor(() => few.got.length === 3, '3 replayed messages');
      expect(few.got.map((g) => g.payload.n)).toEqual([27, 28, 29]);

      await send(topic, { n: 30 });
      await waitFor(() => all.got.length === 26 && few.got.length === 4, 'the live message');
      expect(all.got[25]!.meta?.replayed).toBeUndefined();
    } finally {
      await h.db.exec(`drop policy if exists rt_test_replay_${RUN} on realtime.messages`);
    }
  });

  it('refuses replay on a public channel and bad replay params with Realtime\'s reasons', async () => {
    const raw = await RawSocket.open(h);
    raw.join('realtime:public-replay', '1', { config: { private: false, broadcast: { replay: { since: 0 } } } });
    expect((await raw.reply('1'))[4]).toEqual({
      status: 'error',
      response: { reason: 'UnableToReplayMessages: Replay is not allowed for public channels' },
    });
    raw.send(['2', '2', `realtime:${STAFF_ONLY}`, 'phx_join', { access_token: await h.tokenFor(ADMIN), config: { private: true, broadcast: { replay: { since: 'yesterday' } } } }]);
    expect((await raw.reply('2'))[4]).toEqual({
      status: 'error',
      response: { reason: 'UnableToReplayMessages: Replay params are not valid' },
    });
    raw.close();
  });

  it('sends REST broadcasts to public members, and private ones only where the JWT may write', async () => {
    const admin = await h.signIn(ADMIN);
    const priv = join(admin, ROOM);
    const pub = join(admin, `rest-${RUN}`, { private: false });
    await subscribed(priv, 'the private join');
    await subscribed(pub, 'the public join');
    const post = (token: string, body: object) =>
      fetch(`${h.url}/realtime/v1/api/broadcast`, {
        method: 'POST',
        headers: { apikey: h.keys.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const supportToken = await h.tokenFor(SUPPORT);
    const r1 = await post(supportToken, {
      messages: [
        { topic: `rest-${RUN}`, event: 'note', payload: { from: 'support', public: true } },
        { topic: ROOM, event: 'note', payload: { from: 'support' }, private: true },
      ],
    });
    expect(r1.status).toBe(202);
    const r2 = await post(await h.tokenFor(ADMIN), { messages: [{ topic: ROOM, event: 'note', payload: { from: 'admin' }, private: true }] });
    expect(r2.status).toBe(202);
    await waitFor(() => pub.got.length === 1 && priv.got.length === 1, 'one message each');
    await sleep(200);
    expect(priv.got.map((g) => g.payload.from)).toEqual(['admin']);
    expect(pub.got.map((g) => g.payload.from)).toEqual(['support']);
    expect((await post(supportToken, { messages: [{ topic: ROOM }] })).status).toBe(422);
    expect((await post('not-a-jwt', { messages: [] })).status).toBe(401);

    // httpSend (the single-message endpoint) from a client that may write.
    const out = admin.channel(ROOM, { config: { private: true } });
    expect(await out.httpSend('note', { from: 'httpSend' })).toEqual({ success: true });
    await waitFor(() => priv.got.length === 2, 'the httpSend message');
    expect(priv.got[1]!.payload.from).toBe('httpSend');
  });
});
