-- bench/web.py under wrk: cycle through the URLs in $WRK_PATHS (one per line); at the end
-- print p50, p95 and max latency (ms), requests and errors as one JSON line.
--
-- The latencies are measured here, not taken from wrk's own histogram: wrk 4 "corrects" its
-- histogram for coordinated omission before `done` sees it (every sample longer than the mean
-- interval per connection brings synthetic ones with it), which turns a handful of slow
-- requests into a tail that no client saw. Run with as many threads as connections: a thread
-- then has one connection, `request()` is called when the previous response is complete, and
-- the time between two calls is one request's latency (as the client saw it). wrk's own
-- corrected p95 is printed too, as `p95_corrected_ms`.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } wrk_timespec;
  int clock_gettime(int clock, wrk_timespec *ts);
]]
local now_ts = ffi.new("wrk_timespec")
local function now_us()
  ffi.C.clock_gettime(1, now_ts) -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1e6 + tonumber(now_ts.tv_nsec) / 1e3
end

local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end

local threads = {}
setup = function(thread)
  thread:set("offset", #threads) -- threads start at different URLs
  threads[#threads + 1] = thread
end

local i, last = nil, nil
latencies = {}
request = function()
  if i == nil then i = offset % #paths end
  local t = now_us()
  if last ~= nil then latencies[#latencies + 1] = t - last end
  last = t
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

done = function(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    for _, us in ipairs(thread:get("latencies")) do all[#all + 1] = us end
  end
  table.sort(all)
  local function percentile(p)
    if #all == 0 then return 0 end
    return all[math.max(1, math.ceil(#all * p / 100))] / 1000
  end
  local e = summary.errors
  io.write(string.format(
    '{"p50_ms": %.1f, "p95_ms": %.1f, "max_ms": %.1f, "p95_corrected_ms": %.1f, ' ..
    '"requests": %d, "timed": %d, "errors": %d}\n',
    percentile(50), percentile(95), percentile(100), latency:percentile(95) / 1000,
    summary.requests, #all, e.connect + e.read + e.write + e.status + e.timeout))
end
