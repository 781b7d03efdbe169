'use strict';
// WebSocket client on the runtime's own global `WebSocket` (the WHATWG API): Node 22+
// (undici), Bun and Deno run this same file. Used as a real peer by tests/scenarios.
// Usage: node|bun web_client.js URL   /   deno run --allow-net --allow-env web_client.js URL
// Prints exactly one JSON line on stdout, then exits:
//   {"outcome": "connects", "address": null, ...}   (the WHATWG API exposes no address:
//       the scenario helpers learn it from the server's log: the local
//       address of the connection, i.e. the address the client reached)
//   {"outcome": "fails", "error": "...", "close_code": 1006, ...}
//   {"outcome": "timeout", ...} when the hang guard fires (WS_PEER_MAX_SECONDS, default 15 s).
// "error" is what a user sees who prints the `error` event's `message` (an ErrorEvent's
// message; "" when the runtime gives none); "error_string" is String(event.error) when the
// event carries an error object; "close_code"/"close_reason" come from the close event
// that follows (Node 22 sends none: then "close_code" is null after 1 s). Every line carries
// "elapsed_ms" from `new WebSocket` to the outcome (the open, or the first error event).
// WS_PEER_ATTEMPT_TIMEOUT=N (Node only) calls net.setDefaultAutoSelectFamilyAttemptTimeout(N)
// first: the process-wide default, the only Happy Eyeballs knob the built-in WebSocket has.
const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name]);
const quit = (code) => (globalThis.Deno ? Deno.exit(code) : process.exit(code));

function runtime() {
  if (globalThis.Deno) return `deno ${Deno.version.deno}`;
  if (globalThis.Bun) return `bun ${Bun.version}`;
  return `node ${process.version}`;
}

async function main() {
  if (args.length !== 1) {
    console.error('usage: web_client.js URL');
    quit(2);
  }
  // Node loads undici's fetch and WebSocket machinery on first use (~0.5 s on a busy
  // machine): load it before the clock starts, as the runtime's own start-up is not timed.
  if (!globalThis.Deno && !globalThis.Bun) await fetch('data:,warm-up');
  const attemptTimeout = Number(env('WS_PEER_ATTEMPT_TIMEOUT') || 0);
  if (attemptTimeout > 0 && !globalThis.Deno && !globalThis.Bun) {
    process.getBuiltinModule('node:net').setDefaultAutoSelectFamilyAttemptTimeout(attemptTimeout);
  }
  const started = performance.now();
  const record = { runtime: runtime() };
  let done = false;
  const finish = (extra) => {
    if (done) return;
    done = true;
    const elapsed = record.error_at_ms !== undefined ? record.error_at_ms : performance.now() - started;
    Object.assign(record, extra, { elapsed_ms: elapsed });
    console.log(JSON.stringify(record));
    quit(0);
  };
  const guardSeconds = Number(env('WS_PEER_MAX_SECONDS') || 15);
  setTimeout(() => finish({ outcome: 'timeout', error: `no answer in ${guardSeconds} s` }),
    guardSeconds * 1000);
  let ws;
  try {
    ws = new WebSocket(args[0]);
  } catch (err) {
    finish({ outcome: 'fails', error: String(err && err.message), thrown: String(err) });
    return;
  }
  ws.onopen = () => {
    ws.close();
    finish({ outcome: 'connects', address: null });
  };
  ws.onerror = (event) => {
    record.outcome = 'fails';
    record.error = typeof event.message === 'string' ? event.message : '';
    record.event_type = event.constructor ? event.constructor.name : null;
    if (event.error !== undefined) record.error_string = String(event.error);
    if (event.error && event.error.cause) record.error_cause = String(event.error.cause);
    record.error_at_ms = performance.now() - started;
    // Node 22's undici fires no close event after a failed connect: do not wait for one.
    setTimeout(() => finish({ close_code: null }), 1000);
  };
  ws.onclose = (event) => {
    if (record.outcome !== 'fails') record.outcome = 'fails';
    if (record.error === undefined) record.error = '';
    finish({ close_code: event.code, close_reason: event.reason });
  };
}

main();
