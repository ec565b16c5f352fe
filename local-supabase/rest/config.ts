import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `[api] max_rows` from supabase/config.toml, which the CLI hands PostgREST as PGRST_DB_MAX_ROWS.
 * Only this key is read, so a tiny line reader is enough; a missing file or key means no cap.
 */
export function readMaxRows(root: string): number | null {
  let text: string;
  try {
    text = readFileSync(join(root, 'supabase', 'config.toml'), 'utf8');
  } catch {
    return null;
  }
  return maxRowsFromToml(text);
}

export function maxRowsFromToml(text: string): number | null {
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header?.[1]) section = header[1].trim();
    else if (section === 'api') {
      const m = /^max_rows\s*=\s*(\d+)$/.exec(line);
      if (m?.[1]) return Number(m[1]);
    }
  }
  return null;
}
