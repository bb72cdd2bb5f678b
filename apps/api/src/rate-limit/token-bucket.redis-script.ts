/**
 * One token bucket step, atomically in Valkey/Redis (Lua, run with EVALSHA): refill by the
 * time since the last request, take a token if there is one, store, and answer. The clock
 * is the server's (TIME), so api processes with skewed clocks still agree.
 *
 * KEYS[1] the bucket; ARGV[1] its size (the burst); ARGV[2] milliseconds to fill it from empty.
 * Returns { 1 if taken else 0, tokens left (as a string: Lua numbers become integer replies) }.
 * The key expires once the bucket would be full again: an absent key is a full bucket.
 */
export const TAKE_TOKEN_SCRIPT = `
local capacity = tonumber(ARGV[1])
local fill_ms = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * capacity / fill_ms)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(fill_ms))
return { taken, tostring(tokens) }
`;
