-- Appends a message: numbers it (seq, rev, server time), stores it, records
-- the client's message id so a resend returns the same message, moves the
-- sender's read mark, and publishes it, all in one atomic step. Publishing
-- here keeps events in rev order per chat whichever host sent them.
-- KEYS: 1 chat, 2 messages, 3 changes, 4 client id, 5 read
-- ARGV: 1 message JSON without seq/rev/at (a non-empty object), 2 sender id,
--       3 client id TTL (s), 4 events channel, 5 chat id
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('CHAT_NOT_FOUND') end
local prev = redis.call('GET', KEYS[4])
if prev then
  return {0, redis.call('HGET', KEYS[2], prev)}
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
local t = redis.call('TIME')
local at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local json = '{"seq":' .. seq .. ',"rev":' .. rev .. ',"at":' .. string.format('%d', at) .. ',' .. string.sub(ARGV[1], 2)
redis.call('HSET', KEYS[2], seq, json)
redis.call('ZADD', KEYS[3], rev, seq)
redis.call('SET', KEYS[4], seq, 'EX', ARGV[3])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[5], ARGV[2], seq) end
redis.call('HSET', KEYS[1], 'lastAt', string.format('%d', at))
redis.call('PUBLISH', ARGV[4], '{"t":"m","c":' .. cjson.encode(ARGV[5]) .. ',"r":' .. json .. '}')
return {1, json}
