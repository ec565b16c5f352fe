/**
 * Queues items and hands them over in one batch per animation frame, so a burst of store changes
 * produces at most one store notification per frame.
 */
export function createFrameBatcher<T>(
  requestFrame: (fn: () => void) => void,
  flush: (items: T[]) => void,
  /** folds `next` into the last queued item (returns null when they cannot merge), keeping bursts small */
  merge: (last: T, next: T) => T | null = () => null,
  /** hidden tabs may get no frame for a minute: past this many queued items, deliver at once */
  maxQueue = 200,
) {
  let queue: T[] = [];
  let scheduled = false;
  let disposed = false;

  const deliver = () => {
    if (disposed || queue.length === 0) return;
    const items = queue;
    queue = [];
    flush(items);
  };
  const onFrame = () => {
    scheduled = false;
    deliver();
  };

  return {
    push(item: T): void {
      if (disposed) return;
      const last = queue.at(-1);
      const merged = last === undefined ? null : merge(last, item);
      if (merged === null) queue.push(item);
      else queue[queue.length - 1] = merged;
      if (queue.length >= maxQueue) {
        deliver();
        return;
      }
      if (!scheduled) {
        scheduled = true;
        requestFrame(onFrame);
      }
    },
    /** deliver now (used before resolving a command the UI awaits) */
    flushNow(): void {
      deliver();
    },
    dispose(): void {
      disposed = true;
      queue = [];
    },
  };
}
