import type { CSSProperties } from 'react';

export interface SkeletonProps {
  width?: CSSProperties['width'];
  height?: CSSProperties['height'];
  className?: string;
}

/** A placeholder block; hidden from assistive tech, the surrounding region says it is busy. */
export function Skeleton({ width = '100%', height = '1rem', className }: SkeletonProps) {
  return (
    <span aria-hidden="true" className={['skeleton', className].filter(Boolean).join(' ')} style={{ width, height }} />
  );
}
