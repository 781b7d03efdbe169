'use strict';
// WebSocket client built on the `ws` package (pinned in package.json), used as a real peer
// by tests/scenarios. Must run unchanged under Node 16, 18 and 20 (ws 8 needs Node >= 10).
// Usage: node ws_client.js URL [--family 4|6] [--auto-select-family true|false]
// WS_PEER_ATTEMPT_TIMEOUT=N adds { autoSelectFamily: true, autoSelectFamilyAttemptTimeout: N }
// (Node 18.13+; ws passes its options on to net.connect).
// Prints exactly one JSON line on stdout, then exits:
//   {"outcome": "connects", "address": "127.0.0.1", "tried": [...]}
//   {"outcome": "fails", "error": "...", "code": "...", ...details}
//   {"outcome": "timeout", ...} when the hang guard fires (WS_PEER_MAX_SECONDS, default 15 s).
// Every line also carries "elapsed_ms": the time from `new WebSocket` to the outcome,
// without the runtime's own start-up.
// "error" is what a user would see: the message of a plain Error; for an error with an
// empty message (Node 20's AggregateError when every address is refused) the first line of
// util.inspect(err), which is what console.error(err) prints first, without its trailing
// space ("AggregateError [ECONNREFUSED]: " -> "AggregateError [ECONNREFUSED]:");
// inspect_first_line keeps it verbatim.
const util = require('util');
const WebSocket = require('ws');

function parseArgs(argv) {
  const args = { url: null, options: {} };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--family') {
      args.options.family = Number(argv[(i += 1)]);
    } else if (arg === '--auto-select-family') {
      const value = argv[(i += 1)];
      if (value !== 'true' && value !== 'false') usage(`bad --auto-select-family ${value}`);
      args.options.autoSelectFamily = value === 'true';
    } else if (args.url === null) {
      args.url = arg;
    } else {
      usage(`unexpected argument ${arg}`);
    }
  }
  if (args.url === null) usage('missing URL');
  const attemptTimeout = Number(process.env.WS_PEER_ATTEMPT_TIMEOUT || 0);
  if (attemptTimeout > 0) {
    args.options.autoSelectFamily = true;
    args.options.autoSelectFamilyAttemptTimeout = attemptTimeout;
  }
  return args;
}

function usage(problem) {
  process.stderr.write(`${problem}\nusage: ws_client.js URL [--family 4|6] ` +
    '[--auto-select-family true|false]\n');
  process.exit(2);
}

function normalise(address) {
  if (typeof address !== 'string') return null;
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

function describeError(err) {
  const firstLine = util.inspect(err).split('\n')[0];
  const result = {
    outcome: 'fails',
    error: err && err.message ? err.message : firstLine.trimEnd(),
    code: err && err.code !== undefined ? err.code : null,
    name: err && err.name ? err.name : null,
    message: err && err.message !== undefined ? err.message : null,
    string: String(err),
    inspect_first_line: firstLine,
  };
  if (err && Array.isArray(err.errors)) {
    result.errors = err.errors.map((e) => e.message);
  }
  return result;
}

function main() {
  const { url, options } = parseArgs(process.argv.slice(2));
  let socket = null;
  let done = false;
  const started = process.hrtime.bigint();
  const finish = (record) => {
    if (done) return;
    done = true;
    if (socket && Array.isArray(socket.autoSelectFamilyAttemptedAddresses)) {
      record.tried = socket.autoSelectFamilyAttemptedAddresses.slice();
    }
    record.node = process.version;
    record.elapsed_ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(JSON.stringify(record) + '\n', () => process.exit(0));
  };
  const guardSeconds = Number(process.env.WS_PEER_MAX_SECONDS || 15);
  setTimeout(() => finish({ outcome: 'timeout', error: `no answer in ${guardSeconds} s` }),
    guardSeconds * 1000).unref();

  let ws;
  try {
    ws = new WebSocket(url, options);
  } catch (err) {
    finish(describeError(err));
    return;
  }
  // ws keeps the pending http.ClientRequest in `_req`; its "socket" event hands us the
  // net.Socket so we can read what Happy Eyeballs tried even when the connect fails.
  if (ws._req) ws._req.on('socket', (s) => { socket = s; });
  ws.on('open', () => {
    socket = ws._socket || socket;
    const address = normalise(ws._socket ? ws._socket.remoteAddress : null);
    ws.close();
    finish({ outcome: 'connects', address });
  });
  ws.on('error', (err) => finish(describeError(err)));
}

main();
