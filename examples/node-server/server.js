// A Node.js server that writes process.env in a request handler. Every Node process already runs
// threads, and once the server listens on a host name, libuv threadpool threads resolve it and serve
// fs/crypto/dns work: a handler's process.env write calls setenv() while they may call getenv().
// Run it: node server.js   (then: curl http://127.0.0.1:8080/?tz=UTC)
import http from 'node:http';

// ok: env-mutation-after-thread-spawn
process.env.SERVER_STARTED_AT = String(Date.now());

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const tz = url.searchParams.get('tz');
  if (tz) {
    // ruleid: env-mutation-after-thread-spawn
    process.env.TZ = tz;
  }
  response.end(new Date().toString());
});

server.listen(8080, '127.0.0.1', () => {
  console.log('listening on http://127.0.0.1:8080');
});
