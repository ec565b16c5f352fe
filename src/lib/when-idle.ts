/** Runs `task` once the browser is idle (after the first paint), or after `timeoutMs` at the latest. */
export function whenIdle(task: () => void, timeoutMs = 3000): void {
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(() => task(), { timeout: timeoutMs });
  else setTimeout(task, Math.min(timeoutMs, 1000));
}
