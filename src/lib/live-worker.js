// A dedicated Worker's clock for the page: Chrome throttles a hidden page's chained timers to one
// wake-up a minute after 5 minutes hidden, never a dedicated worker's. Two protocols:
// - realtime-js's worker heartbeat (RealtimeClient `worker: true, workerUrl`): {event: 'start', interval}
//   → {event: 'keepAlive'} every interval;
// - the live engine's timers (src/live/timers/worker-timers.ts): {type: 'set', id, ms} → {type: 'fire', id}
//   once, unless {type: 'clear', id} came first.
// Served from the app's own origin (a Vite-emitted asset), a classic script with no imports.
const timers = new Map();

addEventListener('message', (event) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  if (msg.event === 'start') {
    setInterval(() => postMessage({ event: 'keepAlive' }), msg.interval);
  } else if (msg.type === 'set') {
    clearTimeout(timers.get(msg.id));
    timers.set(
      msg.id,
      setTimeout(() => {
        timers.delete(msg.id);
        postMessage({ type: 'fire', id: msg.id });
      }, msg.ms),
    );
  } else if (msg.type === 'clear') {
    clearTimeout(timers.get(msg.id));
    timers.delete(msg.id);
  }
});
