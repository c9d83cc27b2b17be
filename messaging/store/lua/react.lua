-- Adds or takes back one person's reaction on a message: their own list and
-- the message's counts change together, and both are published.
-- KEYS: 1 chat, 2 messages, 3 changes, 4 reactions of the message,
--       5 my reactions, 6 my votes, 7 important
-- ARGV: 1 seq, 2 user, 3 emoji, 4 '1' add | '0' remove, 5 most emojis per
--       person, 6 events channel, 7 chat id
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if not cur then return redis.error_reply('MESSAGE_NOT_FOUND') end
local rec = cjson.decode(cur)
if rec.deleted then return redis.error_reply('MESSAGE_DELETED') end
local mineJson = redis.call('HGET', KEYS[4], ARGV[2])
local mine = mineJson and cjson.decode(mineJson) or {}
local found = nil
for i, e in ipairs(mine) do
  if e == ARGV[3] then found = i end
end
local add = ARGV[4] == '1'
if (add and found) or ((not add) and (not found)) then
  return {0, cur, myFlags(KEYS[5], KEYS[6], KEYS[7], ARGV[1])}
end
if add then
  if #mine >= tonumber(ARGV[5]) then return redis.error_reply('TOO_MANY_REACTIONS') end
  table.insert(mine, ARGV[3])
else
  table.remove(mine, found)
end
if type(rec.rx) ~= 'table' then rec.rx = {} end
local n = (tonumber(rec.rx[ARGV[3]]) or 0) + (add and 1 or -1)
if n > 0 then rec.rx[ARGV[3]] = n else rec.rx[ARGV[3]] = nil end
if #mine > 0 then
  local m = cjson.encode(mine)
  redis.call('HSET', KEYS[4], ARGV[2], m)
  redis.call('HSET', KEYS[5], ARGV[1], m)
else
  redis.call('HDEL', KEYS[4], ARGV[2])
  redis.call('HDEL', KEYS[5], ARGV[1])
end
local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
rec.rev = rev
local json = cjson.encode(rec)
redis.call('HSET', KEYS[2], ARGV[1], json)
redis.call('ZADD', KEYS[3], rev, ARGV[1])
redis.call('PUBLISH', ARGV[6], '{"t":"m","c":' .. cjson.encode(ARGV[7]) .. ',"r":' .. json .. '}')
local flags = myFlags(KEYS[5], KEYS[6], KEYS[7], ARGV[1])
publishFlags(ARGV[6], ARGV[7], ARGV[2], ARGV[1], flags)
return {1, json, flags}
