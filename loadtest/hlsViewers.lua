-- HLS viewers for wrk (loadtest/hlsViewers.ts --generator wrk): every
-- connection is a viewer at the live edge, asking in turn for the live
-- playlist and the newest segment it lists, one of each a second (500 ms
-- between requests), as hls.js does with one-second segments.
-- The script's argument is the share of viewers with subtitles on: they
-- also ask for the subtitle playlist and its newest .vtt each second, so
-- that share of requests more is made (sooner, over the same connections).
-- Counters are globals so that done() can read them from every thread.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

lists, segments, sublists, vtts, bad = 0, 0, 0, 0, 0
local base, latest, latestVtt, turn, videoTurn, subTurn, share, subtitleFraction

function init(args)
  base = wrk.path:gsub("/live%.m3u8$", "")
  turn, videoTurn, subTurn = 0, 0, 0
  share = tonumber(args[1] or "0") or 0
  -- Of all requests, this fraction is for subtitles.
  subtitleFraction = share / (1 + share)
end

function request()
  turn = turn + 1
  -- Spread the subtitle requests evenly among the video's.
  if math.floor(turn * subtitleFraction) > math.floor((turn - 1) * subtitleFraction) then
    subTurn = subTurn + 1
    if latestVtt == nil or subTurn % 2 == 1 then
      return wrk.format("GET", base .. "/subtitles.m3u8")
    end
    return wrk.format("GET", base .. "/" .. latestVtt)
  end
  videoTurn = videoTurn + 1
  if latest == nil or videoTurn % 2 == 1 then
    return wrk.format("GET", base .. "/live.m3u8")
  end
  return wrk.format("GET", base .. "/" .. latest)
end

function delay()
  -- Two requests a second per viewer, and as many again per viewer with subtitles.
  return 500 / (1 + share)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    return
  end
  if body:sub(1, 6) == "WEBVTT" then
    vtts = vtts + 1
  elseif body:sub(1, 24) == "#EXTM3U\n#EXT-X-VERSION:6" then
    -- The subtitle playlist (the video's is version 7).
    sublists = sublists + 1
    for line in body:gmatch("[^\n]+") do
      if line:match("%.vtt$") then latestVtt = line end
    end
  elseif body:sub(1, 7) == "#EXTM3U" then
    lists = lists + 1
    for line in body:gmatch("[^\n]+") do
      if line:match("%.m4s$") then latest = line end
    end
  else
    segments = segments + 1
  end
end

function done(summary, latency, requests)
  local l, s, sl, v, b = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    l = l + t:get("lists")
    s = s + t:get("segments")
    sl = sl + t:get("sublists")
    v = v + t:get("vtts")
    b = b + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"lists":%d,"segments":%d,"sublists":%d,"vtts":%d,"bad":%d,"connect":%d,"read":%d,"timeout":%d,' ..
    '"p50":%.2f,"p90":%.2f,"p99":%.2f,"max":%.2f}\n',
    summary.requests, l, s, sl, v, b, e.connect, e.read, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
