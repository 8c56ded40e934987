// The ceiling's upstream: a bare Node.js http server answering what GET /users/me answers, in a
// process of its own (forked by bench/run.js), so that the harness's own work never slows it.
// Sends its port to the parent once it listens.
'use strict';
const { createServer } = require('node:http');

const body = JSON.stringify({ id: '6f1c2f5e-8a4b-4c7e-9a59-2f4f7d1f0b6a', email: 'bench@example.com', username: 'bench' });
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
