-- HLS viewers for wrk (loadtest/hlsViewers.ts --generator wrk): every
-- connection is a viewer at the live edge, asking in turn for the live
-- playlist and the newest segment it lists, one of each a second (500 ms
-- between requests), as hls.js does with one-second segments.
-- Counters are globals so that done() can read them from every thread.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

lists, segments, bad = 0, 0, 0
local base, latest, turn

function init(args)
  base = wrk.path:gsub("/live%.m3u8$", "")
  turn = 0
end

function request()
  turn = turn + 1
  if latest == nil or turn % 2 == 1 then
    return wrk.format("GET", base .. "/live.m3u8")
  end
  return wrk.format("GET", base .. "/" .. latest)
end

function delay()
  return 500
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    return
  end
  if body:sub(1, 7) == "#EXTM3U" then
    lists = lists + 1
    for line in body:gmatch("[^\n]+") do
      if line:match("%.m4s$") then latest = line end
    end
  else
    segments = segments + 1
  end
end

function done(summary, latency, requests)
  local l, s, b = 0, 0, 0
  for _, t in ipairs(threads) do
    l = l + t:get("lists")
    s = s + t:get("segments")
    b = b + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"lists":%d,"segments":%d,"bad":%d,"connect":%d,"read":%d,"timeout":%d,' ..
    '"p50":%.2f,"p90":%.2f,"p99":%.2f,"max":%.2f}\n',
    summary.requests, l, s, b, e.connect, e.read, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
