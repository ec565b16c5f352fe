import { RestError } from './errors.ts';

// The Accept header as PostgREST 14 negotiates it: wai-extra's parseHttpAccept (spaces removed, q
// read after ";q=", sorted by q, then more parameters, then fewer stars), MediaType.hs
// decodeMediaType, and Plan.hs negotiateContent over the built-in handlers (SchemaCache.hs
// initialMediaHandlers): the first accepted type the stack can produce wins, none is 406 PGRST107.

export interface Media {
  /** json: an array (or a function's value); object: vnd.pgrst.object (`.single()`); csv: text/csv */
  kind: 'json' | 'object' | 'csv';
  /** `nulls=stripped` of vnd.pgrst.object or vnd.pgrst.array */
  stripNulls: boolean;
  /** MediaType.hs toContentType of the handler's media type */
  contentType: string;
}

export const JSON_MEDIA: Media = { kind: 'json', stripNulls: false, contentType: 'application/json; charset=utf-8' };
/** PostgREST's GeoJSON handler: chosen like any other, but the stack cannot produce it (below). */
const GEOJSON: Media = { kind: 'json', stripNulls: false, contentType: 'application/geo+json; charset=utf-8' };

/** Haskell `reads :: Double` on a prefix; 1.0 when there is no number. */
function readQ(text: string): number {
  const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text);
  return m ? Number(m[0]) : 1;
}

/** parseHttpAccept: the media types in preference order, parameters (but q) kept. */
export function parseAccept(header: string): string[] {
  if (header === '') return [];
  return header
    .split(',')
    .map((item, index) => {
      const s = item.replace(/ /g, '');
      const at = s.indexOf(';q=');
      const type = at < 0 ? s : s.slice(0, at);
      const q = at < 0 ? 1 : readQ(s.slice(at + 3).split(';')[0] ?? '');
      return { type, key: [q, type.split(';').length - 1, -(type.split('*').length - 1)], index };
    })
    .sort((a, b) => {
      for (let i = 0; i < 3; i++) if ((a.key[i] ?? 0) !== (b.key[i] ?? 0)) return (b.key[i] ?? 0) - (a.key[i] ?? 0);
      return a.index - b.index;
    })
    .map((a) => a.type);
}

interface Decoded {
  media: Media | null;
  /** MediaType.hs toMime, for PGRST107's list */
  mime: string;
}

/** decodeMediaType, reduced to what the stack produces (null: a type it has no handler for). */
function decode(text: string): Decoded {
  const [typePart = '', ...paramParts] = text.split(';');
  const type = typePart.trim().toLowerCase();
  const params = new Map(
    paramParts.map((p) => {
      const eq = p.indexOf('=');
      return [p.slice(0, eq < 0 ? p.length : eq).trim().toLowerCase(), eq < 0 ? '' : p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')] as const;
    }),
  );
  const stripped = params.get('nulls') === 'stripped';
  switch (type) {
    case '*/*':
      return { media: JSON_MEDIA, mime: '*/*' };
    case 'application/json':
      return { media: JSON_MEDIA, mime: 'application/json' };
    case 'text/csv':
      return { media: { kind: 'csv', stripNulls: false, contentType: 'text/csv; charset=utf-8' }, mime: 'text/csv' };
    case 'application/vnd.pgrst.object+json':
    case 'application/vnd.pgrst.object': {
      const mime = `application/vnd.pgrst.object+json${stripped ? ';nulls=stripped' : ''}`;
      return { media: { kind: 'object', stripNulls: stripped, contentType: `${mime}; charset=utf-8` }, mime };
    }
    case 'application/vnd.pgrst.array+json':
    case 'application/vnd.pgrst.array': {
      if (!stripped) return { media: JSON_MEDIA, mime: 'application/json' };
      const mime = 'application/vnd.pgrst.array+json;nulls=stripped';
      return { media: { kind: 'json', stripNulls: true, contentType: `${mime}; charset=utf-8` }, mime };
    }
    case 'application/geo+json':
      return { media: GEOJSON, mime: 'application/geo+json' };
    default: {
      const known: Record<string, string> = {
        'text/plain': 'text/plain',
        'text/xml': 'text/xml',
        'application/openapi+json': 'application/openapi+json',
        'application/x-www-form-urlencoded': 'application/x-www-form-urlencoded',
        'application/octet-stream': 'application/octet-stream',
      };
      return { media: null, mime: known[type] ?? text };
    }
  }
}

/** negotiateContent: the first acceptable type; no Accept header is `*\/*`. */
export function negotiate(accept: string | undefined): Media {
  const types = accept === undefined ? ['*/*'] : parseAccept(accept);
  const decoded = types.map(decode);
  const pick = decoded.find((d) => d.media !== null)?.media;
  if (pick === GEOJSON) {
    // PostgREST builds GeoJSON with PostGIS's ST_AsGeoJSON over the result rows (Query/SqlFragment.hs
    // asGeoJsonF); the stack's databases have no PostGIS, where that query fails so (42883 is HTTP 404).
    throw new RestError(404, '42883', 'function st_asgeojson(record) does not exist', null, 'No function matches the given name and argument types. You might need to add explicit type casts.');
  }
  if (pick) return pick;
  throw new RestError(406, 'PGRST107', `None of these media types are available: ${decoded.map((d) => d.mime).join(', ')}`);
}
