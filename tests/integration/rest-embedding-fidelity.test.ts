import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { SERVICE_ROLE_KEY } from '../../local-supabase/auth/keys.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { serviceClient, startTestStack } from './stack-setup.ts';

// Embedding as PostgREST 14 resolves it, on a small schema of our own (every name starts with
// emb_; dropped again afterwards, so the shared PostgreSQL database of CI keeps nothing):
// many-to-many, self references, ambiguity, one-to-one, views, computed relationships,
// spreads, aggregates (off unless the authenticator role enables them) and casts.
const FIXTURES = `
drop view if exists public.emb_open_teams, public.emb_member_names;
drop table if exists public.emb_memberships, public.emb_pairs, public.emb_badges, public.emb_members, public.emb_teams, public.emb_nodes cascade;
create table public.emb_teams (id int primary key, name text not null, open boolean not null default true);
create table public.emb_members (id int primary key, name text not null, team_id int references public.emb_teams, points int not null default 0, data jsonb);
create table public.emb_badges (member_id int primary key references public.emb_members, label text not null);
create table public.emb_memberships (member_id int references public.emb_members, team_id int references public.emb_teams, primary key (member_id, team_id));
create table public.emb_pairs (id int primary key, lead int not null references public.emb_members, second int references public.emb_members);
create table public.emb_nodes (id int primary key, label text not null, parent_id int references public.emb_nodes);
create view public.emb_open_teams as select id, name from public.emb_teams where open;
create view public.emb_member_names as select id, name, team_id from public.emb_members;
create function public.emb_top_members(public.emb_teams) returns setof public.emb_members language sql stable
  as $$ select * from public.emb_members where team_id = $1.id order by points desc limit 2 $$;
create function public.emb_first_member(public.emb_teams) returns public.emb_members language sql stable
  as $$ select * from public.emb_members where team_id = $1.id order by id limit 1 $$;
insert into public.emb_teams values (1, 'red', true), (2, 'blue', true), (3, 'empty', false);
insert into public.emb_members values
  (1, 'ann', 1, 10, '{"a": "5", "tags": {"x": 1}}'), (2, 'bob', 1, 20, '{"a": "7"}'), (3, 'cy', 2, 5, null), (4, 'dee', null, 1, null);
insert into public.emb_badges values (1, 'gold');
insert into public.emb_memberships values (1, 1), (1, 2), (3, 2);
insert into public.emb_pairs values (1, 1, 2), (2, 3, null);
insert into public.emb_nodes values (1, 'root', null), (2, 'left', 1), (3, 'right', 1), (4, 'leaf', 2);
grant all on public.emb_teams, public.emb_members, public.emb_badges, public.emb_memberships, public.emb_pairs, public.emb_nodes,
  public.emb_open_teams, public.emb_member_names to service_role;
grant execute on function public.emb_top_members(public.emb_teams), public.emb_first_member(public.emb_teams) to service_role;`;
const DROP = `
drop view if exists public.emb_open_teams, public.emb_member_names;
drop function if exists public.emb_top_members(public.emb_teams), public.emb_first_member(public.emb_teams);
drop table if exists public.emb_memberships, public.emb_pairs, public.emb_badges, public.emb_members, public.emb_teams, public.emb_nodes cascade;`;

let stack: Stack;
let sb: SupabaseClient;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.db.exec(FIXTURES);
  await stack.reloadSchema();
  sb = serviceClient(stack);
});
afterAll(async () => {
  if (!stack) return;
  await stack.db.exec(`alter role authenticator reset pgrst.db_aggregates_enabled; ${DROP}`);
  await stack.close();
});

/** As on Supabase: the authenticator role's setting, then `NOTIFY pgrst, 'reload config'`. */
async function setAggregates(on: boolean): Promise<void> {
  await stack.db.exec(on ? `alter role authenticator set pgrst.db_aggregates_enabled = 'true'` : 'alter role authenticator reset pgrst.db_aggregates_enabled');
  await stack.db.exec(`notify pgrst, 'reload config'`);
  for (let i = 0; i < 100; i++) {
    const { status } = await sb.from('emb_members').select('count()');
    if ((status === 200) === on) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`aggregates did not turn ${on ? 'on' : 'off'}`);
}

function rest(path: string): Promise<Response> {
  return fetch(`${stack.url}/rest/v1${path}`, { headers: { apikey: SERVICE_ROLE_KEY, Authorization: `Bearer ${SERVICE_ROLE_KEY}` } });
}

describe('embedding: relationship kinds', () => {
  it('many-to-many through a junction whose key holds both foreign keys, both ways', async () => {
    const members = await sb.from('emb_members').select('name, emb_teams(name)').in('id', [1, 3]).order('id');
    // emb_members also reaches emb_teams by its own team_id: PostgREST calls that ambiguous
    expect(members.error?.code).toBe('PGRST201');
    const viaJunction = await sb.from('emb_members').select('name, emb_teams!emb_memberships(name)').in('id', [1, 3]).order('id');
    expect(viaJunction.error).toBeNull();
    expect(viaJunction.data).toEqual([
      { name: 'ann', emb_teams: [{ name: 'red' }, { name: 'blue' }] },
      { name: 'cy', emb_teams: [{ name: 'blue' }] },
    ]);
    const byTeam = await sb.from('emb_teams').select('name, emb_members!emb_memberships(name)').eq('id', 2).order('name', { referencedTable: 'emb_members' }).single();
    expect(byTeam.data).toEqual({ name: 'blue', emb_members: [{ name: 'ann' }, { name: 'cy' }] });
  });

  it('PGRST201 names every candidate relationship, as PostgREST does', async () => {
    const { error, status } = await sb.from('emb_pairs').select('emb_members(name)');
    expect(status).toBe(300);
    expect(error).toEqual({
      code: 'PGRST201',
      message: "Could not embed because more than one relationship was found for 'emb_pairs' and 'emb_members'",
      details: [
        { cardinality: 'many-to-one', embedding: 'emb_pairs with emb_members', relationship: 'emb_pairs_lead_fkey using emb_pairs(lead) and emb_members(id)' },
        { cardinality: 'many-to-one', embedding: 'emb_pairs with emb_members', relationship: 'emb_pairs_second_fkey using emb_pairs(second) and emb_members(id)' },
      ],
      hint: "Try changing 'emb_members' to one of the following: 'emb_members!emb_pairs_lead_fkey', 'emb_members!emb_pairs_second_fkey'. Find the desired relationship in the 'details' key.",
    });
    const hinted = await sb.from('emb_pairs').select('id, lead:emb_members!lead(name), second:emb_members!emb_pairs_second_fkey(name)').order('id');
    expect(hinted.data).toEqual([
      { id: 1, lead: { name: 'ann' }, second: { name: 'bob' } },
      { id: 2, lead: { name: 'cy' }, second: null },
    ]);
    const byColumn = await sb.from('emb_pairs').select('id, second(name)').eq('id', 1).single();
    expect(byColumn.data).toEqual({ id: 1, second: { name: 'bob' } });
  });

  it('self references: the parent by its column, the children by the table with a hint', async () => {
    const { data, error } = await sb
      .from('emb_nodes')
      .select('label, parent:parent_id(label), children:emb_nodes!parent_id(label, children:emb_nodes!parent_id(label))')
      .eq('id', 1)
      .order('id', { referencedTable: 'children' })
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({
      label: 'root',
      parent: null,
      children: [
        { label: 'left', children: [{ label: 'leaf' }] },
        { label: 'right', children: [] },
      ],
    });
  });

  it('one-to-one (a foreign key that is also the primary key) embeds an object both ways', async () => {
    const badge = await sb.from('emb_badges').select('label, emb_members(name)').single();
    expect(badge.data).toEqual({ label: 'gold', emb_members: { name: 'ann' } });
    const members = await sb.from('emb_members').select('name, emb_badges(label)').in('id', [1, 2]).order('id');
    expect(members.data).toEqual([
      { name: 'ann', emb_badges: { label: 'gold' } },
      { name: 'bob', emb_badges: null },
    ]);
  });

  it('views take the relationships of the columns they pass through', async () => {
    const toView = await sb.from('emb_members').select('name, emb_open_teams(name)').in('id', [3, 4]).order('id');
    expect(toView.data).toEqual([
      { name: 'cy', emb_open_teams: { name: 'blue' } },
      { name: 'dee', emb_open_teams: null },
    ]);
    const fromView = await sb.from('emb_open_teams').select('name, emb_member_names(name)').eq('id', 1).order('id', { referencedTable: 'emb_member_names' }).single();
    expect(fromView.data).toEqual({ name: 'red', emb_member_names: [{ name: 'ann' }, { name: 'bob' }] });
  });

  it('computed relationships: a function of the row, to-many when it returns a set, else to-one', async () => {
    const { data, error } = await sb.from('emb_teams').select('name, top:emb_top_members(name), first:emb_first_member(name)').order('id');
    expect(error).toBeNull();
    expect(data).toEqual([
      { name: 'red', top: [{ name: 'bob' }, { name: 'ann' }], first: { name: 'ann' } },
      { name: 'blue', top: [{ name: 'cy' }], first: { name: 'cy' } },
      // a function returning one row returns a row of nulls when it finds nothing, as in PostgREST
      { name: 'empty', top: [], first: expect.objectContaining({ name: null }) },
    ]);
  });

  it('embeds into the rows a write returns', async () => {
    const inserted = await sb.from('emb_members').insert({ id: 90, name: 'eve', team_id: 2 }).select('name, emb_teams!team_id(name), emb_badges(label)').single();
    expect(inserted.data).toEqual({ name: 'eve', emb_teams: { name: 'blue' }, emb_badges: null });
    const updated = await sb.from('emb_teams').update({ name: 'blue!' }).eq('id', 2).select('name, emb_top_members(name)').single();
    expect(updated.data).toEqual({ name: 'blue!', emb_top_members: [{ name: 'cy' }, { name: 'eve' }] });
    await sb.from('emb_teams').update({ name: 'blue' }).eq('id', 2);
    await sb.from('emb_members').delete().eq('id', 90);
  });
});

describe('embedding: joins, filters, order and spreads', () => {
  it('!inner keeps parents with a matching child; is.null on an embedding is an anti-join', async () => {
    const inner = await sb.from('emb_teams').select('name, emb_members!team_id!inner(name)').eq('emb_members.name', 'cy');
    expect(inner.data).toEqual([{ name: 'blue', emb_members: [{ name: 'cy' }] }]);
    const without = await sb.from('emb_teams').select('name, emb_members!team_id(id)').is('emb_members', null);
    expect(without.data).toEqual([{ name: 'empty', emb_members: [] }]);
    const left = await sb.from('emb_members').select('name, emb_teams!team_id!left(name)').eq('id', 4).single();
    expect(left.data).toEqual({ name: 'dee', emb_teams: null });
  });

  it('orders and limits embedded rows, and orders parents by a to-one embedding', async () => {
    const { data } = await sb
      .from('emb_teams')
      .select('name, emb_members!team_id(name, points)')
      .eq('id', 1)
      .order('points', { referencedTable: 'emb_members', ascending: false })
      .limit(1, { referencedTable: 'emb_members' })
      .single();
    expect(data).toEqual({ name: 'red', emb_members: [{ name: 'bob', points: 20 }] });
    const byTeam = await rest('/emb_members?select=name,emb_teams!team_id(name)&team_id=not.is.null&order=emb_teams(name).desc,name');
    expect((await byTeam.json()).map((m: { name: string }) => m.name)).toEqual(['ann', 'bob', 'cy']);
    const toMany = await rest('/emb_teams?select=name&order=emb_members(name)');
    expect(await toMany.json()).toMatchObject({ code: 'PGRST108' });
  });

  it('spreads to-one embeddings into the parent and to-many ones into arrays, also with *', async () => {
    const one = await sb.from('emb_members').select('name, ...emb_teams!team_id(team:name)').eq('id', 1).single();
    expect(one.data).toEqual({ name: 'ann', team: 'red' });
    const many = await sb.from('emb_teams').select('team:name, ...emb_members!team_id(*)').eq('id', 1).order('id', { referencedTable: 'emb_members' }).single();
    expect(many.data).toEqual({ team: 'red', id: [1, 2], name: ['ann', 'bob'], team_id: [1, 1], points: [10, 20], data: [{ a: '5', tags: { x: 1 } }, { a: '7' }] });
  });
});

describe('select: casts and JSON paths', () => {
  it('casts columns and JSON paths, with and without aliases', async () => {
    const { data, error } = await sb.from('emb_members').select('id::text, points::float, a:data->>a::int, data->tags->x, raw:data->a').eq('id', 1).single();
    expect(error).toBeNull();
    expect(data).toEqual({ id: '1', points: 10, a: 5, x: 1, raw: '5' });
  });

  it('an unknown type in a cast is the database error', async () => {
    const { error, status } = await sb.from('emb_members').select('id::nosuchtype');
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: '42704', message: 'type "nosuchtype" does not exist' });
  });
});

describe('aggregates', () => {
  it('are refused as on Supabase unless pgrst.db_aggregates_enabled is set for the authenticator', async () => {
    const { error, status } = await sb.from('emb_members').select('count(), points.sum()');
    expect(status).toBe(400);
    expect(error).toEqual({ code: 'PGRST123', details: null, hint: null, message: 'Use of aggregate functions is not allowed' });
    const nested = await sb.from('emb_teams').select('name, emb_members!team_id(points.max())');
    expect(nested.error?.code).toBe('PGRST123');
    // `rel(count)` is the column-style count PostgREST has always answered
    const legacy = await sb.from('emb_teams').select('name, emb_members!team_id(count)').eq('id', 1).single();
    expect(legacy.data).toEqual({ name: 'red', emb_members: [{ count: 2 }] });
  });

  it('once enabled: count, sum, avg, min, max grouped by the other columns, with casts and aliases', async () => {
    await setAggregates(true);
    try {
      const all = await sb.from('emb_members').select('count(), total:points.sum(), points.max()::text').single();
      expect(all.data).toEqual({ count: 4, total: 36, max: '20' });
      const byTeam = await sb.from('emb_members').select('team_id, n:count(), points.avg()::int').not('team_id', 'is', null).order('team_id');
      expect(byTeam.data).toEqual([
        { team_id: 1, n: 2, avg: 15 },
        { team_id: 2, n: 1, avg: 5 },
      ]);
      const nested = await sb.from('emb_teams').select('name, emb_members!team_id(points.sum(), points.min())').order('id');
      expect(nested.data).toEqual([
        { name: 'red', emb_members: [{ sum: 30, min: 10 }] },
        { name: 'blue', emb_members: [{ sum: 5, min: 5 }] },
        // an aggregate over no rows is one row of nulls, as in PostgreSQL (and PostgREST)
        { name: 'empty', emb_members: [{ sum: null, min: null }] },
      ]);
      // an aggregate in a to-one spread is applied in the parent, grouped by the parent's columns
      const hoisted = await sb.from('emb_members').select('points.sum(), ...emb_teams!team_id(name)').not('team_id', 'is', null);
      expect(hoisted.error).toBeNull();
      expect(hoisted.data).toEqual(expect.arrayContaining([{ sum: 30, name: 'red' }, { sum: 5, name: 'blue' }]));
      const toMany = await sb.from('emb_teams').select('name, ...emb_members!team_id(points.sum())');
      expect(toMany.status).toBe(400);
      expect(toMany.error).toEqual({ code: 'PGRST127', details: 'Aggregates are not implemented for one-to-many or many-to-many spreads.', hint: null, message: 'Feature not implemented' });
    } finally {
      await setAggregates(false);
    }
  });
});
