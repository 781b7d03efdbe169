'use strict';
// Echo server built on the `ws` package (pinned in package.json), used as a real peer by
// tests/scenarios. Usage: node ws_server.js HOST PORT
//   HOST "-" means no host at all: `new WebSocketServer({ port })`, which Node binds to
//   `::` dual-stack (libuv sets IPV6_V6ONLY from the `ipv6Only` option, default false).
// Prints exactly one JSON line on stdout once listening:
//   {"listening": [address, port, family]}
// or, if listening fails: {"error": "<message>", "code": "<code>"} and exits 1.
// Then one line per accepted WebSocket:
//   {"peer": [address, port], "local": [address, port], "path": "/subscribe?..."}
// "local" is the address the client reached (its destination), "peer" its source: a client
// whose API hides the address it connected to is learnt from "local".
// Runs until killed, or until a hang guard fires (WS_PEER_MAX_SECONDS, default 600 s).
const { WebSocketServer } = require('ws');

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write('usage: ws_server.js HOST|- PORT\n');
    process.exit(2);
  }
  const [host, portText] = argv;
  const port = Number(portText);
  const options = host === '-' ? { port } : { host, port };
  const wss = new WebSocketServer(options);
  const guardSeconds = Number(process.env.WS_PEER_MAX_SECONDS || 600);
  setTimeout(() => process.exit(0), guardSeconds * 1000).unref();
  wss.on('listening', () => {
    const a = wss.address();
    process.stdout.write(JSON.stringify({ listening: [a.address, a.port, a.family] }) + '\n');
  });
  wss.on('error', (err) => {
    process.stdout.write(JSON.stringify({ error: err.message, code: err.code || null }) + '\n');
    process.exit(1);
  });
  wss.on('connection', (socket, req) => {
    const peer = [req.socket.remoteAddress, req.socket.remotePort];
    const local = [req.socket.localAddress, req.socket.localPort];
    process.stdout.write(JSON.stringify({ peer, local, path: req.url }) + '\n');
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on('error', () => {});
  });
}

main(process.argv.slice(2));
