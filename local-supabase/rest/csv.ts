import type { Condition } from './logic.ts';
import { isLogicTree } from './logic.ts';
import type { ReadNode } from './plan.ts';
import type { Params } from './sql.ts';

// text/csv as PostgREST 14 writes it (src/PostgREST/Query/SqlFragment.hs asCsvF): a header line,
// the keys of the first row of `pgrst_source`, then each output row as Postgres's record text
// without its parentheses (record_out's quoting: "" around empty values, commas, quotes, spaces…).
// For a read `pgrst_source` is the page itself; for a write it is the RETURNING of the mutation
// and for a call the function's columns (Plan.hs inferColsEmbedNeeds, QueryBuilder.hs
// callPlanToQuery): every column with `*` in select, else the sorted set of the selected columns,
// the embeddings' join columns, the primary key (writes) or the filtered columns (calls).

function filterNames(c: Condition): string[] {
  return isLogicTree(c) ? c.items.flatMap(filterNames) : [c.field.name];
}

function treeFilterNames(n: ReadNode): string[] {
  return [...n.where.flatMap(filterNames), ...n.embeds.flatMap((e) => treeFilterNames(e.node))];
}

/** The columns a write's or call's `pgrst_source` returns; null: all of them. */
export function sourceColumns(root: ReadNode, opts: { primaryKey: string[]; filterFields: boolean }): string[] | null {
  if (root.fields.includes('*') || (root.fields.length === 0 && root.embeds.length === 0)) return null;
  const returnings = new Set([
    ...root.fields.flatMap((f) => (f === '*' ? [] : [f.field.name])),
    ...root.embeds.flatMap((e) => (e.rel.junction ? e.rel.junction.source.map(([, mine]) => mine) : e.rel.columns.map(([mine]) => mine))),
    ...opts.primaryKey,
  ]);
  if (returnings.size === 0) return null;
  const names = opts.filterFields ? new Set([...returnings, ...treeFilterNames(root)]) : returnings;
  return [...names].sort();
}

/** Where the header comes from: the page's first row (reads) or the source of a write or call. */
export type CsvHeader = { from: 'page' } | { from: 'source'; source: string; columns: string[] | null };

/** SQL for the header line; `first` is the page's first row as JSON text. */
export function csvHeaderSql(header: CsvHeader, first: string, p: Params): string {
  const keys = (row: string) => `(select coalesce(string_agg(k, ','), '') from json_object_keys(${row}) k)`;
  if (header.from === 'page') return keys(`${first}::json`);
  if (header.columns === null) return keys(`(select row_to_json(h) from ${header.source} h limit 1)`);
  return `(case when exists (select from ${header.source}) then ${p.add(header.columns.join(','))}::text else '' end)`;
}
