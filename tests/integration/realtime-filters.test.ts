import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, newCustomer, RUN, startHarness, waitFor, watch, type Harness, type Watch } from './realtime-harness.ts';

describe('realtime filters', () => {
  let h: Harness;
  let admin: SupabaseClient;
  let marker: Watch;

  beforeAll(async () => {
    h = await startHarness();
    admin = await h.signIn(ADMIN);
    marker = watch(admin, 'marker', [{ event: 'INSERT', table: 'customers' }]);
    await marker.live();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function settle(): Promise<void> {
    const id = await newCustomer(h.db, 'Marker');
    await waitFor(() => marker.events.some((e) => e.new.id === id), 'the marker change');
  }

  it('applies eq neq lt lte gt gte in and comma-AND with the column type', async () => {
    const filters: Record<string, string> = {
      eq: 'price_cents=eq.999',
      neq: 'price_cents=neq.1000',
      lt: 'price_cents=lt.1000',
      lte: 'price_cents=lte.1000',
      // 1000 > 200 numerically but '1000' < '200' as text: the comparison must use the column type.
      gt: 'price_cents=gt.200',
      gte: 'price_cents=gte.1000',
      in: `sku=in.(RT-${RUN}-A,RT-${RUN}-C)`,
      and: 'price_cents=gte.500,stock=lt.5',
    };
    const watches = Object.fromEntries(
      Object.entries(filters).map(([k, filter]) => [k, watch(admin, `f-${k}`, [{ event: 'INSERT', table: 'products', filter }])]),
    );
    await Promise.all(Object.values(watches).map((w) => w.live()));
    for (const [sku, price, stock] of [
      ['A', 1000, 1],
      ['B', 999, 10],
      ['C', 10000, 2],
      ['D', 200, 3],
    ] as const) {
      await h.db.query(`insert into products (sku, name, price_cents, stock) values ($1, $1, $2, $3)`, [
        `RT-${RUN}-${sku}`,
        price,
        stock,
      ]);
    }
    await settle();
    const got = (k: string) =>
      watches[k]!.events.map((e) => String(e.new.sku).replace(`RT-${RUN}-`, 'RT-')).sort();
    expect(got('eq')).toEqual(['RT-B']);
    expect(got('neq')).toEqual(['RT-B', 'RT-C', 'RT-D']);
    expect(got('lt')).toEqual(['RT-B', 'RT-D']);
    expect(got('lte')).toEqual(['RT-A', 'RT-B', 'RT-D']);
    expect(got('gt')).toEqual(['RT-A', 'RT-B', 'RT-C']);
    expect(got('gte')).toEqual(['RT-A', 'RT-C']);
    expect(got('in')).toEqual(['RT-A', 'RT-C']);
    expect(got('and')).toEqual(['RT-A', 'RT-C']);
  });

  it('never matches a NULL column value, even with neq', async () => {
    const w = watch(admin, 'f-null', [{ event: '*', table: 'customers', filter: 'phone=neq.5550199' }]);
    await w.live();
    await newCustomer(h.db, 'No Phone');
    const withPhone = await newCustomer(h.db, 'Phone');
    await h.db.query(`update customers set phone = '5550100' where id = $1`, [withPhone]);
    await settle();
    // Only the UPDATE that set a phone matches; both INSERTs had phone NULL.
    expect(w.events.map((e) => `${e.eventType} ${e.new.full_name}`)).toEqual(['UPDATE Phone']);
  });

  it('reports a bad operator as Supabase does, keeps the channel joined, and fails all its bindings', async () => {
    const w = watch(admin, 'f-bad', [
      { event: 'INSERT', table: 'customers' },
      { event: 'INSERT', table: 'tickets', filter: 'status=like.open%' },
    ]);
    await waitFor(() => w.system.length > 0, 'the system error');
    expect(w.system[0]).toEqual({
      extension: 'postgres_changes',
      status: 'error',
      message: 'Error parsing `filter` params: ["like", "open%"]',
      channel: 'f-bad',
    });
    expect(w.statuses).toEqual(['SUBSCRIBED']);
    await settle();
    // The valid customers binding of the same channel was not subscribed either.
    expect(w.events).toEqual([]);
    expect(w.statuses).toEqual(['SUBSCRIBED']);
  });

  it('rejects tables outside the publication and bad columns with "Unable to subscribe"', async () => {
    const notPublished = watch(admin, 'f-activity', [{ event: '*', table: 'activity_log' }]);
    const badColumn = watch(admin, 'f-col', [{ event: '*', table: 'tickets', filter: 'nope=eq.1' }]);
    const tooMany = watch(admin, 'f-many', [
      { event: '*', table: 'tickets', filter: `status=in.(${Array.from({ length: 101 }, (_, i) => `s${i}`).join(',')})` },
    ]);
    const badValue = watch(admin, 'f-value', [{ event: '*', table: 'products', filter: 'price_cents=eq.cheap' }]);
    await waitFor(
      () => [notPublished, badColumn, tooMany, badValue].every((w) => w.system.length > 0),
      'the system errors',
    );
    expect(notPublished.system[0]).toMatchObject({ extension: 'postgres_changes', status: 'error' });
    expect(notPublished.system[0]!.message).toBe(
      'Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [event: *, schema: public, table: activity_log, filters: []]',
    );
    expect(badColumn.system[0]!.message).toMatch(
      /^Unable to subscribe to changes with given parameters\. An exception happened so please check your connect parameters: \[.*\]\. Exception: invalid column for filter nope$/,
    );
    expect(tooMany.system[0]!.message).toMatch(/Exception: too many values for `in` filter\. Maximum 100$/);
    expect(badValue.system[0]!.message).toMatch(/Exception: invalid input syntax for type integer: "cheap"$/);
  });

  it('filters DELETE on the old identity: a column outside the key never matches', async () => {
    const byKey = watch(admin, 'f-del-key', [{ event: 'DELETE', table: 'products', filter: `sku=eq.RT-${RUN}-DEL` }]);
    const customer = await newCustomer(h.db, 'Delete Me');
    const byId = watch(admin, 'f-del-id', [{ event: 'DELETE', table: 'customers', filter: `id=eq.${customer}` }]);
    await Promise.all([byKey.live(), byId.live()]);
    await h.db.query(`insert into products (sku, name, price_cents) values ($1, 'Temp', 1)`, [`RT-${RUN}-DEL`]);
    await h.db.query(`delete from products where sku = $1`, [`RT-${RUN}-DEL`]);
    await h.db.query(`delete from customers where id = $1`, [customer]);
    await settle();
    // products has REPLICA IDENTITY DEFAULT: the old record holds only id, so sku cannot match.
    expect(byKey.events).toEqual([]);
    expect(byId.events.map((e) => e.old)).toEqual([{ id: customer }]);
  });
});
