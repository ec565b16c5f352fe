import { EXPOSED_SCHEMA } from './exposed.ts';
import type { FnInfo } from './functions.ts';
import type { Params } from './sql.ts';
import { quoteIdent } from '../db/sql.ts';

export const RPC_ALIAS = '_pgrst_t';

export function rpcArgKeys(args: unknown): string[] {
  return typeof args === 'object' && args !== null && !Array.isArray(args) ? Object.keys(args) : [];
}

export type RpcArgs =
  /** a POST body: JSON text, or raw text/xml/bytes for a single unnamed parameter */
  | { kind: 'body'; json: unknown; raw: string | Uint8Array }
  /** GET arguments from the query string */
  | { kind: 'query'; values: Record<string, string> };

/**
 * The FROM item that calls the function, as PostgREST builds it (callPlanToQuery): a single
 * unnamed parameter gets the whole body; named POST arguments go through json_to_record (JSON
 * arrays and objects become arrays, json, composites); GET arguments are text cast to each type.
 */
export function callShape(fn: FnInfo, args: RpcArgs, p: Params): { from: string; qualifier: string; scalar: boolean } {
  const target = `${quoteIdent(EXPOSED_SCHEMA)}.${quoteIdent(fn.name)}`;
  const alias = quoteIdent(RPC_ALIAS);
  const shape = (from: string) => ({ from, qualifier: RPC_ALIAS, scalar: !fn.returnsComposite });
  const only = fn.args[0];
  if (fn.singleUnnamed && only) {
    const value = args.kind === 'body' ? args.raw : '';
    return shape(`${target}(${p.add(value)}::${only.type}) ${alias}`);
  }
  const given = new Set(args.kind === 'body' ? rpcArgKeys(args.json) : Object.keys(args.values));
  const used = fn.args.filter((a) => given.has(a.name));
  if (used.length === 0) return shape(`${target}() ${alias}`);
  const named = (a: FnInfo['args'][number], value: string) => `${a.variadic ? 'variadic ' : ''}${quoteIdent(a.name)} := ${value}`;
  if (args.kind === 'body') {
    const record = `json_to_record(${p.add(JSON.stringify(args.json))}::json) as _pgrst_args(${used.map((a) => `${quoteIdent(a.name)} ${a.type}`).join(', ')})`;
    const call = `${target}(${used.map((a) => named(a, `_pgrst_args.${quoteIdent(a.name)}`)).join(', ')})`;
    return shape(`${record} cross join lateral ${call} ${alias}`);
  }
  const call = `${target}(${used.map((a) => named(a, `${p.add(args.values[a.name])}::${a.type}`)).join(', ')})`;
  return shape(`${call} ${alias}`);
}
