// A small autocannon-like load generator on node:http (no extra packages): `clients` keep-alive
// connections, each sending its next request as soon as the previous answer is complete, until
// `total` requests have been sent. Latency is measured per request from the write to the last
// byte of the answer.
const http = require('node:http');

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function send(agent, origin, request) {
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const req = http.request(
      new URL(request.path, origin),
      {
        method: request.method ?? 'GET',
        agent,
        headers: {
          ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
          ...request.headers,
        },
      },
      (res) => {
        let bytes = 0;
        const chunks = request.keepBody ? [] : null;
        res.on('data', (chunk) => {
          bytes += chunk.length;
          if (chunks) chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode, bytes, body: chunks && Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Runs the load. `next(client, i)` returns the i-th request of that client (or null when the
 * client has nothing left); `expect(status)` says whether an answer counts as a success.
 */
async function runLoad({ origin, clients, total, next, expect = (s) => s < 400 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies = [];
  const errors = new Map();
  let sent = 0;
  let bytes = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; sent < total; i++) {
        const request = next(client, i);
        if (!request) return;
        sent++;
        const t0 = process.hrtime.bigint();
        const answer = await send(agent, origin, request);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        bytes += answer.bytes;
        if (!expect(answer.status)) errors.set(answer.status, (errors.get(answer.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    bytes,
    errors: Object.fromEntries(errors),
  };
}

module.exports = { runLoad, send, percentile };
