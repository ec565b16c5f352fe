import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { getSupabaseClient } from '@/lib/supabase';
import { getEntityDetail } from '../api/get-entity-detail';
import { createEntityController } from '../stores/entity-store';
import type { EntityRef } from '../types';

/** The open entity's record and history (null: nothing open), re-read while open when the live cursor moves. */
export function useEntityDetail(ref: EntityRef | null, cursor: number) {
  const [controller] = useState(() => createEntityController({ fetchDetail: (r) => getEntityDetail(getSupabaseClient(), r) }));
  useEffect(() => {
    controller.open(ref, cursor);
    controller.cursorMoved(cursor);
  }, [controller, ref, cursor]);
  const state = useStore(controller.store);
  return { state, retry: controller.retry };
}
