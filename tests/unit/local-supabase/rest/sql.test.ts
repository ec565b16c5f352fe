import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../local-supabase/rest/params.ts';
import type { PlanSchema } from '../../../../local-supabase/rest/plan.ts';
import { readPlan } from '../../../../local-supabase/rest/plan.ts';
import { findRelationship, toRelationships } from '../../../../local-supabase/rest/relations.ts';
import { parseSelect } from '../../../../local-supabase/rest/select.ts';
import { arrayLiteral, filterSql, nodeSql, Params } from '../../../../local-supabase/rest/sql.ts';
import { restError } from './rest-error.ts';

function sql(key: string, value: string): { sql: string; values: unknown[] } {
  const p = new Params();
  const f = parseQuery([[key, value]]).filters[0];
  if (!f) throw new Error('no filter');
  return { sql: filterSql(f.value, 't', p), values: p.values };
}

describe('filterSql', () => {
  it('binds values as parameters and quotes identifiers', () => {
    expect(sql('name', "eq.x'; drop table t; --")).toEqual({ sql: '"t"."name" = $1', values: ["x'; drop table t; --"] });
    expect(sql('"we\\"ird"', 'eq.1').sql).toBe('"t"."we""ird" = $1');
    // As in PostgREST, a quoted name ends at its closing quote; what follows in the key is ignored.
    expect(sql('"we""ird"', 'eq.1').sql).toBe('"t"."we" = $1');
  });

  it('renders each operator as PostgREST does', () => {
    expect(sql('a', 'neq.1').sql).toBe('"t"."a" <> $1');
    expect(sql('a', 'cs.{1}').sql).toBe('"t"."a" @> $1');
    expect(sql('a', 'adj.[1,2)').sql).toBe('"t"."a" -|- $1');
    expect(sql('a', 'like.*x*')).toEqual({ sql: '"t"."a" like $1', values: ['%x%'] });
    expect(sql('a', 'ilike(any).{*x,y*}')).toEqual({ sql: '"t"."a" ilike any($1)', values: ['{%x,y%}'] });
    expect(sql('a', 'imatch(all).{^a}').sql).toBe('"t"."a" ~* all($1)');
    expect(sql('a', 'in.(1,"2,3")')).toEqual({ sql: '"t"."a" = any($1)', values: ['{"1","2,3"}'] });
    expect(sql('a', 'in.()').sql).toBe(`"t"."a" = any('{}')`);
    expect(sql('a', 'not.is.not_null').sql).toBe('not "t"."a" is not null');
    expect(sql('a', 'isdistinct.1').sql).toBe('"t"."a" is distinct from $1');
    expect(sql('a', 'wfts(english).cat')).toEqual({ sql: '"t"."a" @@ websearch_to_tsquery($1::regconfig, $2)', values: ['english', 'cat'] });
    expect(sql('a->b->>0', 'eq.1')).toEqual({ sql: '"t"."a"->$1::text->>$2::int = $3', values: ['b', '+0', '1'] });
  });

  it('builds array literals that keep commas, quotes and backslashes', () => {
    expect(arrayLiteral(['a,b', 'c"d', 'e\\f'])).toBe('{"a,b","c\\"d","e\\\\f"}');
  });
});

// tickets → customers twice (customer_id, referred_by) and customers → orders once.
const REL_ROWS = [
  { table_name: 'tickets', foreign_table_name: 'customers', constraint_name: 'tickets_customer_id_fkey', cols: ['customer_id'], fcols: ['id'], one_to_one: false },
  { table_name: 'tickets', foreign_table_name: 'customers', constraint_name: 'tickets_referred_by_fkey', cols: ['referred_by'], fcols: ['id'], one_to_one: false },
  { table_name: 'orders', foreign_table_name: 'customers', constraint_name: 'orders_customer_id_fkey', cols: ['customer_id'], fcols: ['id'], one_to_one: false },
];
const rels = toRelationships(REL_ROWS);
const tables = new Set(['tickets', 'customers', 'orders']);
const schema: PlanSchema = { relationship: (o, t, h) => findRelationship(rels, tables, o, t, h) };

describe('relationships', () => {
  it('finds many-to-one and one-to-many by table, constraint or column', () => {
    expect(findRelationship(rels, tables, 'orders', 'customers', null)).toMatchObject({ cardinality: 'many-to-one', columns: [['customer_id', 'id']] });
    expect(findRelationship(rels, tables, 'customers', 'orders', null)).toMatchObject({ cardinality: 'one-to-many', columns: [['id', 'customer_id']] });
    expect(findRelationship(rels, tables, 'tickets', 'customers', 'tickets_referred_by_fkey').constraint).toBe('tickets_referred_by_fkey');
    expect(findRelationship(rels, tables, 'tickets', 'customers', 'customer_id').constraint).toBe('tickets_customer_id_fkey');
    expect(findRelationship(rels, tables, 'tickets', 'referred_by', null).constraint).toBe('tickets_referred_by_fkey');
  });

  it('answers PGRST201 with the candidates when ambiguous', () => {
    const err = restError(() => findRelationship(rels, tables, 'tickets', 'customers', null));
    expect(err.status).toBe(300);
    expect(err.body()).toEqual({
      code: 'PGRST201',
      message: "Could not embed because more than one relationship was found for 'tickets' and 'customers'",
      details: [
        { cardinality: 'many-to-one', embedding: 'tickets with customers', relationship: 'tickets_customer_id_fkey using tickets(customer_id) and customers(id)' },
        { cardinality: 'many-to-one', embedding: 'tickets with customers', relationship: 'tickets_referred_by_fkey using tickets(referred_by) and customers(id)' },
      ],
      hint: "Try changing 'customers' to one of the following: 'customers!tickets_customer_id_fkey', 'customers!tickets_referred_by_fkey'. Find the desired relationship in the 'details' key.",
    });
  });

  it('lists candidates in PostgREST order: one-to-many before many-to-one (its spec: agents and departments)', () => {
    const circular = toRelationships([
      { table_name: 'agents', foreign_table_name: 'departments', constraint_name: 'agents_department_id_fkey', cols: ['department_id'], fcols: ['id'], one_to_one: false },
      { table_name: 'departments', foreign_table_name: 'agents', constraint_name: 'departments_head_id_fkey', cols: ['head_id'], fcols: ['id'], one_to_one: false },
    ]);
    const err = restError(() => findRelationship(circular, new Set(['agents', 'departments']), 'agents', 'departments', null));
    expect(err.details).toEqual([
      { cardinality: 'one-to-many', embedding: 'agents with departments', relationship: 'departments_head_id_fkey using agents(id) and departments(head_id)' },
      { cardinality: 'many-to-one', embedding: 'agents with departments', relationship: 'agents_department_id_fkey using agents(department_id) and departments(id)' },
    ]);
    expect(err.hint).toBe("Try changing 'departments' to one of the following: 'departments!departments_head_id_fkey', 'departments!agents_department_id_fkey'. Find the desired relationship in the 'details' key.");
  });

  it('finds many-to-many through a junction whose primary key holds both foreign keys (addM2MRels)', () => {
    const rows = [
      { table_name: 'film_actors', foreign_table_name: 'films', constraint_name: 'film_actors_film_fkey', cols: ['film_id'], fcols: ['id'], one_to_one: false },
      { table_name: 'film_actors', foreign_table_name: 'actors', constraint_name: 'film_actors_actor_fkey', cols: ['actor_id'], fcols: ['id'], one_to_one: false },
    ];
    const junction = toRelationships(rows, new Map([['film_actors', ['actor_id', 'film_id']]]));
    const t = new Set(['films', 'actors', 'film_actors']);
    expect(findRelationship(junction, t, 'films', 'actors', null)).toMatchObject({ cardinality: 'many-to-many', junction: { table: 'film_actors' } });
    expect(findRelationship(junction, t, 'actors', 'films', 'film_actors').cardinality).toBe('many-to-many');
    const noJunction = toRelationships(rows, new Map([['film_actors', ['id']]]));
    expect(restError(() => findRelationship(noJunction, t, 'films', 'actors', null)).code).toBe('PGRST200');
    const root = readPlan({ relationship: (o, x, h) => findRelationship(junction, t, o, x, h) }, { table: 'films', from: '"public"."films"', qualifier: 'films' }, parseSelect('actors(name)'), parseQuery([]), { maxRows: null, isWrite: false });
    expect(nodeSql(root, new Params())).toContain(
      '(select "actors_1"."name" from "public"."actors" as "actors_1" join "public"."film_actors" on "film_actors"."actor_id" = "actors_1"."id" where "film_actors"."film_id" = "films"."id")',
    );
  });

  it('answers PGRST200 with a near name as hint', () => {
    const err = restError(() => findRelationship(rels, tables, 'orders', 'customer', null));
    expect(err.body()).toEqual({
      code: 'PGRST200',
      message: "Could not find a relationship between 'orders' and 'customer' in the schema cache",
      details: "Searched for a foreign key relationship between 'orders' and 'customer' in the schema 'public', but no matches were found.",
      hint: "Perhaps you meant 'customers' instead of 'customer'.",
    });
    expect(restError(() => findRelationship(rels, tables, 'orders', 'customers', 'nope')).details).toContain("using the hint 'nope'");
  });
});

describe('read plans', () => {
  const plan = (select: string, query: [string, string][] = [], maxRows: number | null = null) =>
    readPlan(schema, { table: 'orders', from: '"public"."orders"', qualifier: 'orders' }, parseSelect(select), parseQuery(query), { maxRows, isWrite: false });

  it('puts filters, order and ranges on the embedding their path names, and caps every level at max_rows', () => {
    const root = plan('id,customers!inner(full_name)', [['customers.full_name', 'ilike.*j*'], ['customers.order', 'full_name'], ['limit', '5']], 1000);
    const child = root.embeds[0];
    expect(root.limit).toBe(5);
    expect(child?.node.where).toHaveLength(1);
    expect(child?.node.limit).toBe(1000);
    const p = new Params();
    expect(nodeSql(root, p)).toBe(
      'select "orders"."id", row_to_json("orders_customers_1".*)::jsonb as "customers" from "public"."orders" inner join lateral ' +
        '(select "customers_1"."full_name" from "public"."customers" as "customers_1" where "customers_1"."id" = "orders"."customer_id" and "customers_1"."full_name" ilike $1 order by "customers_1"."full_name" limit 1000) ' +
        'as "orders_customers_1" on true limit 5',
    );
  });

  it('spreads a to-many embedding as one array per named column, and ignores ranges on writes', () => {
    const root = readPlan(schema, { table: 'customers', from: '"public"."customers"', qualifier: 'customers' }, parseSelect('id,...orders(status,n:number)'), parseQuery([]), { maxRows: null, isWrite: false });
    const sql = nodeSql(root, new Params());
    expect(sql).toContain(`select "customers"."id", "customers_orders_1"."status", "customers_orders_1"."n" from`);
    expect(sql).toContain(`coalesce(json_agg("customers_orders_1"."n"), '[]')::jsonb as "n"`);
    const write = readPlan(schema, { table: 'customers', from: 'pgrst_source as "customers"', qualifier: 'customers' }, parseSelect('id,orders(id)'), parseQuery([['limit', '1'], ['orders.limit', '1']]), { maxRows: 5, isWrite: true });
    expect([write.limit, write.embeds[0]?.node.limit]).toEqual([null, null]);
  });

  it('refuses paths that are not embedded (PGRST108) and aggregates (PGRST123)', () => {
    expect(restError(() => plan('id', [['customers.id', 'eq.1']])).body()).toMatchObject({ code: 'PGRST108', message: "'customers' is not an embedded resource in this request" });
    expect(restError(() => plan('total_cents.sum()')).body()).toMatchObject({ code: 'PGRST123', message: 'Use of aggregate functions is not allowed' });
  });

  it('turns embed=is.null into a test of the embedding (also in trees); other operators stay column filters', () => {
    const root = plan('id,customers(id)', [['customers', 'not.is.null']]);
    expect(nodeSql(root, new Params())).toContain('where "orders_customers_1" is distinct from null');
    const missing = plan('id,customers(id)', [['customers', 'is.null']]);
    expect(nodeSql(missing, new Params())).toContain('where "orders_customers_1" is not distinct from null');
    expect(nodeSql(plan('id,customers(id)', [['or', '(customers.is.null,id.eq.1)']]), new Params())).toContain('where ("orders_customers_1" is not distinct from null or "orders"."id" = $1)');
    expect(nodeSql(plan('id,customers(id)', [['customers', 'eq.1']]), new Params())).toContain('where "orders"."customers" = $1');
  });
});
