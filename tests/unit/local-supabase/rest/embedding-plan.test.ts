import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../local-supabase/rest/params.ts';
import type { PlanSchema } from '../../../../local-supabase/rest/plan.ts';
import { readPlan } from '../../../../local-supabase/rest/plan.ts';
import type { FkRow } from '../../../../local-supabase/rest/relations.ts';
import { addComputedRelationships, addViewRelationships, findRelationship, isToOne, toRelationships } from '../../../../local-supabase/rest/relations.ts';
import { parseSelect } from '../../../../local-supabase/rest/select.ts';
import { nodeSql, Params } from '../../../../local-supabase/rest/sql.ts';
import { restError } from './rest-error.ts';

// members → teams; a view over teams (open_teams) and one over members (member_names, renaming team_id).
const FKS: FkRow[] = [{ table_name: 'members', foreign_table_name: 'teams', constraint_name: 'members_team_id_fkey', cols: ['team_id'], fcols: ['id'], one_to_one: false }];
const VIEW_COLS = [
  { view_name: 'open_teams', view_column: 'id', table_name: 'teams', column_name: 'id' },
  { view_name: 'member_names', view_column: 'team', table_name: 'members', column_name: 'team_id' },
  // a view column that two table columns could have given is not used
  { view_name: 'mixed', view_column: 'id', table_name: 'teams', column_name: 'id' },
  { view_name: 'mixed', view_column: 'id', table_name: 'members', column_name: 'id' },
];
const tables = new Set(['members', 'teams', 'open_teams', 'member_names', 'mixed']);
const rels = addComputedRelationships(addViewRelationships(toRelationships(FKS), FKS, VIEW_COLS), [
  { function_name: 'top_members', table_name: 'teams', foreign_table_name: 'members', to_one: false },
  { function_name: 'members', table_name: 'open_teams', foreign_table_name: 'members', to_one: true },
]);
const columns: Record<string, string[]> = { members: ['id', 'name', 'team_id', 'points'], teams: ['id', 'name'] };
const schema = (aggregates: boolean): PlanSchema => ({
  relationship: (o, t, h) => findRelationship(rels, tables, o, t, h),
  aggregatesEnabled: () => aggregates,
  columnNames: (t) => columns[t] ?? [],
});
const plan = (table: string, select: string, aggregates = true, query: [string, string][] = []) =>
  readPlan(schema(aggregates), { table, from: `"public"."${table}"`, qualifier: table }, parseSelect(select), parseQuery(query), { maxRows: null, isWrite: false });

describe('view and computed relationships', () => {
  it('gives views the relationships of the key columns they pass through, under the view column names', () => {
    expect(findRelationship(rels, tables, 'members', 'open_teams', null)).toMatchObject({ cardinality: 'many-to-one', columns: [['team_id', 'id']], foreignIsView: true });
    expect(findRelationship(rels, tables, 'member_names', 'teams', null)).toMatchObject({ cardinality: 'many-to-one', columns: [['team', 'id']] });
    expect(findRelationship(rels, tables, 'member_names', 'open_teams', null)).toMatchObject({ cardinality: 'many-to-one', columns: [['team', 'id']] });
    expect(findRelationship(rels, tables, 'teams', 'member_names', null)).toMatchObject({ cardinality: 'one-to-many', columns: [['id', 'team']] });
    expect(rels.get('mixed')).toBeUndefined();
    // a view is not reached by constraint or column name: team_id still means teams
    expect(findRelationship(rels, tables, 'members', 'team_id', null).foreignTable).toBe('teams');
  });

  it('names computed relationships after the function; one named like a related table replaces it', () => {
    const top = findRelationship(rels, tables, 'teams', 'top_members', null);
    expect(top).toMatchObject({ foreignTable: 'members', computed: { function: 'top_members', toOne: false } });
    expect(isToOne(findRelationship(rels, tables, 'open_teams', 'members', null))).toBe(true);
    const sql = nodeSql(plan('teams', 'name,top_members(name)'), new Params());
    expect(sql).toContain('from "public"."top_members"("teams"::"public"."teams") as "members_1"');
    expect(sql).not.toContain('where');
  });
});

describe('aggregates', () => {
  it('are refused with PGRST123 unless enabled', () => {
    expect(restError(() => plan('members', 'count()', false)).body()).toEqual({ code: 'PGRST123', details: null, hint: null, message: 'Use of aggregate functions is not allowed' });
  });

  it('aggregate with casts and group by the other outputs', () => {
    expect(nodeSql(plan('members', 'team_id,t:points::numeric.sum()::text,count()'), new Params())).toBe(
      'select "members"."team_id", cast(sum(cast("members"."points" as numeric)) as text) as "t", count(*) as "count" from "public"."members" group by "members"."team_id"',
    );
  });

  it('hoist out of a to-one spread into the parent, which groups by the spread columns', () => {
    const sql = nodeSql(plan('members', 'points.sum(),...teams(name,n:id.count())'), new Params());
    expect(sql).toMatch(/^select sum\("members"."points"\) as "sum", "members_teams_1"."name", count\("members_teams_1"."n"\) as "n" from/);
    expect(sql).toContain('(select "teams_1"."name", "teams_1"."id" as "n" from "public"."teams" as "teams_1"');
    expect(sql).toMatch(/group by "members_teams_1"."name"$/);
  });

  it('expand * where a node aggregates, and refuse them in to-many spreads (PGRST127)', () => {
    expect(nodeSql(plan('teams', '*,count()'), new Params())).toContain('group by "teams"."id", "teams"."name"');
    expect(restError(() => plan('teams', 'name,...members(points.sum())')).body()).toMatchObject({
      code: 'PGRST127',
      details: 'Aggregates are not implemented for one-to-many or many-to-many spreads.',
    });
  });
});
