// A second Node process for the cross-process rate-limit test: it shares nothing with the test process but
// Redis. It reads one job as JSON on stdin — the Redis URL, the limiter's Lua script text, the KEYS and ARGV
// the gateway would send (ARGV[1], the clock, is replaced by this process's own Date.now() on every call),
// how many checks to run, by how many concurrent workers, and the epoch ms to start at — runs them on its
// own connection, and prints {"admitted": n, "refused": m} on stdout.
import { Redis } from "ioredis";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const redis = new Redis(job.redisUrl, { maxRetriesPerRequest: 1, connectionName: "limits-hammer-child" });
await redis.ping();
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
// A timer to just before the start, then turns of the event loop, as the test process does.
const early = job.startAt - Date.now() - 5;
if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
while (Date.now() < job.startAt) await new Promise((resolve) => setImmediate(resolve));

let admitted = 0;
let refused = 0;
let left = job.count;
async function worker() {
  while (left > 0) {
    left -= 1;
    const args = [String(Date.now()), ...job.args.slice(1)];
    const reply = await redis.eval(job.script, job.keys.length, ...job.keys, ...args);
    if (Array.isArray(reply) && reply[0] === 1) admitted += 1;
    else refused += 1;
  }
}
await Promise.all(Array.from({ length: job.workers }, worker));
process.stdout.write(JSON.stringify({ admitted, refused }) + "\n");
redis.disconnect();
