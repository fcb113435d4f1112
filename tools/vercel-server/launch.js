#!/usr/bin/env node
// Starts @vercel/cosmosdb-server (the cross-check server of the test suite) on loopback.
//
// Why not the package's own CLI: it has no keep-alive option, and without it every response
// says `connection: close`, which makes HTTPS about 20x slower (a TLS handshake per request).
//
// Usage: node launch.js [--port N] [--host 127.0.0.1] [--http]
//   --port 0 (the default) picks a free port. HTTPS with the package's bundled self-signed
//   (expired) certificate unless --http is given.
// Prints exactly one line on stdout once it accepts connections:
//   cosmosdb-server ready https://127.0.0.1:PORT/ port=PORT
// Stops on SIGTERM, SIGINT, or, when stdin is a pipe, when that pipe closes (so it never
// outlives the test process that started it, even if that process is killed).
//
// The server's behaviour is not altered: its known gaps (missing item -> 500, batch ops without
// a per-op partitionKey -> 500, no auth check, constant RU, ...) are declared as missing
// capabilities in tests/conftest.py instead. Three wire-format corrections are made, because a
// client built on the Rust engine fails on the package's forms:
//   * the account document (GET /): the package always advertises https://host:port/ as its
//     read and write locations, also when it serves plain http. The service advertises the
//     endpoint that is actually served; the engine routes by these locations (it has no
//     "endpoint discovery off"), so over http it would switch to TLS on a plain-HTTP port.
//     The scheme of those locations is set to the one this server speaks.
//   * partition-key-range ids: the package answers GET .../pkranges with numeric ids
//     ("id": 0); the service (and every SDK's model) has them as strings ("id": "0"). The
//     Rust engine rejects the numeric form and cannot resolve any container's topology.
//     Only that field of that response is rewritten (see fixPartitionKeyRangeIds).
//   * resource ids: the package writes _rid values in standard base64, with '/'; the service's
//     RIDs use '-' in its place (a '/' would split the resource path). The engine parses
//     container RIDs and rejects one with '/'. The package's encoder is made to emit '-', and
//     its decoder to accept every '-' (it replaced only the first).
"use strict";

const { createHttpServer, createHttpsServer } = require("@vercel/cosmosdb-server");
const ResourceId = require("@vercel/cosmosdb-server/lib/account/resource-id").default;

ResourceId.toBase64String = (buffer) => buffer.toString("base64").replace(/\//g, "-");
ResourceId.fromBase64String = (text) => Buffer.from(text.replace(/-/g, "/"), "base64");

function parseArgs(argv) {
  const options = { port: 0, host: "127.0.0.1", tls: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--port" || arg === "-p") {
      options.port = Number.parseInt(argv[++i], 10);
    } else if (arg === "--host") {
      options.host = argv[++i];
    } else if (arg === "--http" || arg === "--no-ssl") {
      options.tls = false;
    } else if (arg === "--https") {
      options.tls = true;
    } else {
      process.stderr.write(`launch.js: unknown argument ${arg}\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    process.stderr.write("launch.js: --port needs a number between 0 and 65535\n");
    process.exit(2);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const createServer = options.tls ? createHttpsServer : createHttpServer;
const server = createServer({ keepAlive: true });

// Node closes idle keep-alive sockets after 5 s by default; a client that reuses a pooled
// connection at that moment sees a reset. Keeping idle sockets longer than the clients'
// pools do (4.x/requests and the Rust engine keep them ~90 s) makes that race rare in tests
// that pause between requests. This changes connection lifetime only, not any answer.
server.keepAliveTimeout = 120 * 1000;
server.headersTimeout = 125 * 1000;

// Runs before the package's own request handler, so the response's end() is wrapped in time.
server.prependListener("request", (req, res) => {
  if (/\/pkranges\/?(\?|$)/.test(req.url)) fixPartitionKeyRangeIds(res);
  if (!options.tls && req.method === "GET" && /^\/?(\?|$)/.test(req.url)) fixAdvertisedScheme(res);
});

function fixAdvertisedScheme(res) {
  const end = res.end.bind(res);
  res.end = (body, ...rest) => {
    if (res.statusCode === 200 && typeof body === "string") {
      const account = JSON.parse(body);
      for (const location of [...(account.writableLocations || []), ...(account.readableLocations || [])]) {
        location.databaseAccountEndpoint = location.databaseAccountEndpoint.replace(/^https:/, "http:");
      }
      body = JSON.stringify(account);
      res.setHeader("content-length", Buffer.byteLength(body));
    }
    return end(body, ...rest);
  };
}

function fixPartitionKeyRangeIds(res) {
  const end = res.end.bind(res);
  res.end = (body, ...rest) => {
    if (res.statusCode === 200 && typeof body === "string") {
      const feed = JSON.parse(body);
      for (const range of feed.PartitionKeyRanges || []) {
        if (typeof range.id === "number") range.id = String(range.id);
      }
      body = JSON.stringify(feed);
    }
    return end(body, ...rest);
  };
}

server.on("error", (err) => {
  process.stderr.write(`launch.js: ${err.message}\n`);
  process.exit(1);
});

server.listen(options.port, options.host, () => {
  const { port } = server.address();
  const scheme = options.tls ? "https" : "http";
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  process.stdout.write(`cosmosdb-server ready ${scheme}://${host}:${port}/ port=${port}\n`);
});

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  // Open keep-alive sockets would hold close() forever; drop them.
  server.close(() => process.exit(0));
  if (typeof server.closeAllConnections === "function") server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// Only a pipe means "a parent is watching": a terminal or /dev/null must not stop the server.
if (require("fs").fstatSync(0).isFIFO()) {
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
}
