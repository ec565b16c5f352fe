import type { ReactNode } from 'react';
import { useLiveEngine } from '@/live';

/** Mounts the live engine once for the whole app; everything below reads its stores. */
export function AppProvider({ children }: { children: ReactNode }) {
  useLiveEngine();
  return <>{children}</>;
}
