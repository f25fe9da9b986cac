-- bench/web.py under wrk: cycle through the URLs in $WRK_PATHS (one per line); at the end
-- print p50, p95 and max latency (ms), requests and errors as one JSON line.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"p50_ms": %.1f, "p95_ms": %.1f, "max_ms": %.1f, "requests": %d, "errors": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max / 1000,
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
