import type { CounterOutcome, CounterRequest, CounterResult } from "../window-counter.js";
import { COUNTER_TTL_MARGIN_MS } from "../window-counter.js";

/**
 * The whole of a rate-limit check as one Lua script, so Redis runs the read, the decision and every increment
 * atomically: two gateway instances can never both take the last slot. It is the twin of `applyCounters` in
 * `../window-counter.ts` (same steps, same floating-point order); change both together.
 *
 * Invocation: `EVAL script N key1..keyN now mode [windowMs limit cost increment sliding] × N`
 * - each KEY is a hash `{w, c, p}` (window index, current count, previous window's count);
 * - `now` is the caller's clock in ms (an injected clock in tests, the wall clock otherwise);
 * - `mode` is `admit` (all or nothing) or `charge` (add every cost unconditionally);
 * - `increment` and `sliding` are `1` or `0`.
 *
 * Reply: `{admitted, remaining1, resetAt1, ..., remainingN, resetAtN}` as integers.
 * Exported as plain text so another process (see `test/support/redis-limit-hammer.mjs`) can run the very
 * same script with its own connection.
 */
export const RATE_LIMIT_SCRIPT = `
local now = tonumber(ARGV[1])
local mode = ARGV[2]
local margin = ${COUNTER_TTL_MARGIN_MS}
local n = #KEYS
local rules = {}
local admitted = 1
for i = 1, n do
  local base = 2 + (i - 1) * 5
  local rule = {
    windowMs = tonumber(ARGV[base + 1]),
    limit = tonumber(ARGV[base + 2]),
    cost = tonumber(ARGV[base + 3]),
    increment = ARGV[base + 4] == "1",
    sliding = ARGV[base + 5] == "1",
  }
  local stored = redis.call("HMGET", KEYS[i], "w", "c", "p")
  local storedWindow = tonumber(stored[1])
  local window = math.floor(now / rule.windowMs)
  local current = 0
  local previous = 0
  if storedWindow ~= nil then
    if storedWindow == window then
      current = tonumber(stored[2]) or 0
      previous = tonumber(stored[3]) or 0
    elseif storedWindow == window - 1 then
      previous = tonumber(stored[2]) or 0
    elseif storedWindow > window then
      window = storedWindow
      current = tonumber(stored[2]) or 0
      previous = tonumber(stored[3]) or 0
    end
  end
  local fraction = math.min(1, math.max(0, (now - window * rule.windowMs) / rule.windowMs))
  rule.window = window
  rule.current = current
  rule.previous = previous
  rule.fraction = fraction
  rules[i] = rule
  if mode == "admit" then
    local count = current
    if rule.sliding then count = current + previous * (1 - fraction) end
    if count + rule.cost > rule.limit then admitted = 0 end
  end
end
local reply = { admitted }
for i = 1, n do
  local rule = rules[i]
  local start = rule.window * rule.windowMs
  if mode == "charge" or (admitted == 1 and rule.increment) then
    rule.current = rule.current + rule.cost
    local spans = 1
    if rule.sliding then spans = 2 end
    local ttl = start + spans * rule.windowMs - now + margin
    redis.call("HSET", KEYS[i], "w", string.format("%.0f", rule.window), "c", tostring(rule.current), "p", tostring(rule.previous))
    redis.call("PEXPIRE", KEYS[i], math.ceil(ttl))
  end
  local count = rule.current
  if rule.sliding then count = rule.current + rule.previous * (1 - rule.fraction) end
  local remaining = math.max(0, math.floor(rule.limit - count))
  local resetAt = start + rule.windowMs
  if rule.sliding then
    local room = rule.limit - rule.cost
    if room < 0 then
      resetAt = start + 2 * rule.windowMs
    elseif rule.current > room then
      resetAt = start + rule.windowMs + math.ceil(rule.windowMs * (rule.current - room) / rule.current) + 1
    elseif rule.previous > 0 and rule.current + rule.previous * (1 - rule.fraction) > room then
      resetAt = start + math.ceil(rule.windowMs * (rule.previous - room + rule.current) / rule.previous) + 1
    end
  end
  reply[#reply + 1] = remaining
  reply[#reply + 1] = resetAt
end
return reply
`;

/** The KEYS and ARGV of one invocation of {@link RATE_LIMIT_SCRIPT}. */
export interface ScriptInvocation {
  keys: string[];
  args: string[];
}

/** Encodes a counter request as the script's KEYS and ARGV. */
export function encodeScriptInvocation(request: CounterRequest): ScriptInvocation {
  const args = [String(request.now), request.mode];
  for (const rule of request.rules) {
    args.push(String(rule.windowMs), String(rule.limit), String(rule.cost), rule.increment ? "1" : "0", rule.sliding ? "1" : "0");
  }
  return { keys: request.rules.map((rule) => rule.key), args };
}

/** Decodes the script's reply; throws on anything unexpected rather than admitting blindly. */
export function decodeScriptReply(reply: unknown, ruleCount: number): CounterOutcome {
  if (!Array.isArray(reply) || reply.length !== 1 + 2 * ruleCount) {
    throw new Error(`Unexpected rate-limit script reply: ${JSON.stringify(reply)}`);
  }
  const numbers = reply.map((value: unknown) => {
    const number = typeof value === "number" ? value : Number(value);
    if (!Number.isFinite(number)) throw new Error(`Unexpected rate-limit script reply: ${JSON.stringify(reply)}`);
    return number;
  });
  const results: CounterResult[] = [];
  for (let index = 0; index < ruleCount; index += 1) {
    results.push({ remaining: numbers[1 + 2 * index]!, resetAt: numbers[2 + 2 * index]! });
  }
  return { admitted: numbers[0] === 1, results };
}
