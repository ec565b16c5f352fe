import { useCallback, useMemo } from 'react';
import { useLocation, useNavigate, useSearchParams, type To } from 'react-router-dom';
import type { ActivityFilter, ActivityView, EntityRef } from '../types';
import { parseView, toViewSearch } from '../utils/view-params';

/** history state on an entry pushed by opening a panel from the list: closing can go back to it */
interface OpenedFromList {
  openedFromList: true;
}

function isOpenedFromList(state: unknown): state is OpenedFromList {
  return typeof state === 'object' && state !== null && (state as OpenedFromList).openedFromList === true;
}

/**
 * /activity's view lives in the URL. Typing replaces the entry (no history per keystroke); a
 * filter click and opening a panel push one, so Back undoes them. Closing a panel opened from the
 * list goes back to the entry it came from instead of stacking another one.
 */
export function useActivityView() {
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const search = params.toString();
  const view = useMemo(() => parseView(new URLSearchParams(search)), [search]);

  const go = useCallback(
    (next: ActivityView, replace: boolean) => {
      const s = toViewSearch(next);
      navigate({ pathname: location.pathname, search: s ? `?${s}` : '' }, { replace });
    },
    [navigate, location.pathname],
  );

  const setQuery = useCallback((q: string) => go({ ...view, q }, true), [go, view]);
  const setFilter = useCallback((patch: Partial<ActivityFilter>) => go({ ...view, ...patch }, false), [go, view]);

  const openLink = useCallback(
    (ref: EntityRef): { to: To; state: OpenedFromList } => {
      const s = toViewSearch({ ...view, open: ref });
      return { to: { pathname: location.pathname, search: `?${s}` }, state: { openedFromList: true } };
    },
    [view, location.pathname],
  );

  const openedFromList = isOpenedFromList(location.state);
  const close = useCallback(() => {
    if (openedFromList) navigate(-1);
    else go({ ...view, open: null }, true);
  }, [openedFromList, navigate, go, view]);

  return { view, setQuery, setFilter, openLink, close };
}
