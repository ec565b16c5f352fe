import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startHarness, waitFor, watch, type Harness } from './realtime-harness.ts';

// Tables made for these cases only: added to the publication at run time, which the capture
// must pick up without a restart.
describe('realtime edge cases', () => {
  let h: Harness;
  let admin: SupabaseClient;

  beforeAll(async () => {
    h = await startHarness();
    await h.db.exec(`
      create table if not exists public.rt_big (id int primary key, note text, body text);
      create table if not exists public.rt_nopk (n int, label text);
      grant select on public.rt_big, public.rt_nopk to authenticated;
      truncate public.rt_big, public.rt_nopk;
      do $$ begin
        if not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'rt_big') then
          alter publication supabase_realtime add table public.rt_big, public.rt_nopk;
        end if;
      end $$;
    `);
    admin = await h.signIn(ADMIN);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('trims records over 1 MB to small fields and flags Error 413', async () => {
    const w = watch(admin, 'big', [{ event: 'INSERT', table: 'rt_big' }]);
    await w.live();
    await h.db.query(`insert into public.rt_big values (1, 'short', repeat('x', 1100000))`);
    await waitFor(() => w.events.length === 1, 'the 413 event');
    expect(w.events[0]!.errors).toEqual(['Error 413: Payload Too Large']);
    expect(w.events[0]!.new).toEqual({ id: 1, note: 'short' });
  });

  it('sends Error 400 for tables without a primary key', async () => {
    const w = watch(admin, 'nopk', [{ event: '*', table: 'rt_nopk' }]);
    await w.live();
    // (Postgres itself refuses UPDATE and DELETE here: no replica identity on a published table.)
    await h.db.query(`insert into public.rt_nopk values (1, 'a')`);
    await waitFor(() => w.events.length === 1, 'the 400 event');
    expect(w.events[0]).toMatchObject({
      eventType: 'INSERT',
      new: {},
      commit_timestamp: null,
      errors: ['Error 400: Bad Request, no primary key'],
    });
  });
});
