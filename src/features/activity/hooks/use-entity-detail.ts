import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { getSupabaseClient } from '@/lib/supabase';
import { getEntityDetail } from '../api/get-entity-detail';
import { createEntityController } from '../stores/entity-store';
import type { EntityRef } from '../types';
import type { LiveMark } from '../utils/live-mark';

/** The open entity's record and history (null: nothing open), re-read while open when the live state moves in a way that can change it. */
export function useEntityDetail(ref: EntityRef | null, mark: LiveMark) {
  const [controller] = useState(() => createEntityController({ fetchDetail: (r) => getEntityDetail(getSupabaseClient(), r) }));
  useEffect(() => {
    controller.open(ref, mark);
    controller.liveMoved(mark);
  }, [controller, ref, mark]);
  const state = useStore(controller.store);
  return { state, retry: controller.retry };
}
