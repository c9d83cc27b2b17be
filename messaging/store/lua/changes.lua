-- The messages changed after a rev, in rev order, for a client catching up;
-- 'reset' when more changed than is worth replaying.
-- KEYS: 1 chat, 2 changes, 3 messages
-- ARGV: 1 after rev, 2 limit, 3 first visible seq
local rev = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
local limit = tonumber(ARGV[2])
local seqs = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf', 'LIMIT', 0, limit + 1)
if #seqs > limit then return {'reset', rev} end
local out = {'ok', rev}
local from = tonumber(ARGV[3])
for _, s in ipairs(seqs) do
  if tonumber(s) >= from then
    local m = redis.call('HGET', KEYS[3], s)
    if m then table.insert(out, m) end
  end
end
return out
