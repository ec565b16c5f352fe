import { describe, expect, it } from 'vitest';
import { negotiate, parseAccept } from '../../../../local-supabase/rest/media.ts';
import { restError } from './rest-error.ts';

// Expected values from wai-extra Network.Wai.Parse parseHttpAccept (as PostgREST v14.17's
// src/PostgREST/ApiRequest.hs uses it), src/PostgREST/MediaType.hs decodeMediaType/toMime,
// src/PostgREST/Plan.hs negotiateContent, src/PostgREST/SchemaCache.hs initialMediaHandlers and
// src/PostgREST/Error.hs (PGRST107).

describe('Accept (parseHttpAccept, negotiateContent)', () => {
  it('orders by q, then by more parameters, then by fewer stars; spaces are dropped; q=0 stays, last', () => {
    expect(parseAccept('text/csv;q=0.5, application/json')).toEqual(['application/json', 'text/csv']);
    expect(parseAccept('*/*, application/json;nulls=stripped, text/csv')).toEqual(['application/json;nulls=stripped', 'text/csv', '*/*']);
    expect(parseAccept('text/csv;q=0, application/xml;q=0.1')).toEqual(['application/xml', 'text/csv']);
    expect(parseAccept('')).toEqual([]);
  });

  it('picks the first type the built-in handlers produce', () => {
    expect(negotiate(undefined)).toMatchObject({ kind: 'json', contentType: 'application/json; charset=utf-8' });
    expect(negotiate('application/xml, text/csv')).toMatchObject({ kind: 'csv', contentType: 'text/csv; charset=utf-8' });
    expect(negotiate('application/vnd.pgrst.object+json')).toMatchObject({ kind: 'object', stripNulls: false });
    expect(negotiate('application/vnd.pgrst.object+json;nulls=stripped')).toMatchObject({
      kind: 'object',
      stripNulls: true,
      contentType: 'application/vnd.pgrst.object+json;nulls=stripped; charset=utf-8',
    });
    expect(negotiate('application/vnd.pgrst.array+json;nulls=stripped')).toMatchObject({ kind: 'json', stripNulls: true });
    expect(negotiate('application/json;nulls=stripped')).toMatchObject({ kind: 'json', stripNulls: false });
    expect(negotiate('APPLICATION/JSON')).toMatchObject({ kind: 'json' });
  });

  it('none acceptable is 406 PGRST107 naming what was asked', () => {
    expect(restError(() => negotiate('application/xml, text/plain;q=0.5')).body()).toEqual({
      code: 'PGRST107',
      details: null,
      hint: null,
      message: 'None of these media types are available: application/xml, text/plain',
    });
    // application/* is no wildcard to PostgREST (decodeMediaType: MTOther); the db-plan media type is off by default.
    expect(restError(() => negotiate('application/*')).message).toBe('None of these media types are available: application/*');
    expect(restError(() => negotiate('application/vnd.pgrst.plan+json')).status).toBe(406);
    expect(restError(() => negotiate('')).message).toBe('None of these media types are available: ');
  });

  it('GeoJSON is the error PostgREST answers on a database without PostGIS, never JSON rows', () => {
    // Query/SqlFragment.hs asGeoJsonF: ST_AsGeoJSON(_postgrest_t) over the rows; undefined_function is HTTP 404.
    const err = restError(() => negotiate('application/geo+json'));
    expect(err.status).toBe(404);
    expect(err.body()).toEqual({
      code: '42883',
      details: null,
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      message: 'function st_asgeojson(record) does not exist',
    });
    expect(negotiate('application/json, application/geo+json')).toMatchObject({ kind: 'json', contentType: 'application/json; charset=utf-8' });
  });
});
