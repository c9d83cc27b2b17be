-- Moves one person's read mark forward (never back) and publishes it with
-- their unread count; in a direct chat the other person sees it too.
-- KEYS: 1 chat, 2 read, 3 deleted
-- ARGV: 1 user, 2 seq, 3 events channel, 4 chat id
local last = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local want = math.min(tonumber(ARGV[2]), last)
local cur = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local function unread(mark)
  return last - mark - redis.call('ZCOUNT', KEYS[3], mark + 1, '+inf')
end
if want <= cur then return {cur, unread(cur)} end
redis.call('HSET', KEYS[2], ARGV[1], want)
local n = unread(want)
local direct = redis.call('HGET', KEYS[1], 'kind') == 'direct'
redis.call('PUBLISH', ARGV[3], '{"t":"rd","c":' .. cjson.encode(ARGV[4]) .. ',"u":' .. cjson.encode(ARGV[1]) ..
  ',"s":' .. want .. ',"n":' .. n .. ',"d":' .. (direct and 'true' or 'false') .. '}')
return {want, n}
