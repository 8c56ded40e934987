-- One request, the same every time, built once per thread from the environment that bench/load.js
-- sets: no Lua runs per request (request() is wrk's default), so the script costs no throughput.
-- BENCH_WRK_METHOD, BENCH_WRK_BODY, BENCH_WRK_HEADERS ("name: value" lines). With
-- BENCH_WRK_STATUSES=1 every response is counted by status code: response() costs throughput, so
-- only the overload scenario asks for it (wrk itself counts statuses >= 400 only in aggregate).
-- done() prints one line, BENCH_JSON {...}, that bench/load.js parses. With BENCH_WRK_BODIES (one
-- body a line) each request takes the next body in turn instead: the login flood logs in many
-- accounts, as a real one does (one account's concurrent attempts would lock it, 429).

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   wrk.method = os.getenv("BENCH_WRK_METHOD") or "GET"
   local body = os.getenv("BENCH_WRK_BODY")
   if body and body ~= "" then
      wrk.body = body
   end
   for name, value in (os.getenv("BENCH_WRK_HEADERS") or ""):gmatch("([^:\n]+):%s*([^\n]*)") do
      wrk.headers[name] = value
   end
end

local bodies = {}
for line in (os.getenv("BENCH_WRK_BODIES") or ""):gmatch("[^\n]+") do
   bodies[#bodies + 1] = line
end

if #bodies > 0 then
   -- Threads start at different places in the list, so that they rarely send one account at once.
   local next = math.random(#bodies)
   function request()
      next = next % #bodies + 1
      return wrk.format(nil, nil, nil, bodies[next])
   end
end

if os.getenv("BENCH_WRK_STATUSES") == "1" then
   statuses = {}
   function response(status, headers, body)
      statuses[status] = (statuses[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local counts = {}
   for _, thread in ipairs(threads) do
      local counted = thread:get("statuses")
      if type(counted) == "table" then
         for status, count in pairs(counted) do
            counts[status] = (counts[status] or 0) + count
         end
      end
   end
   local statusJson = {}
   for status, count in pairs(counts) do
      statusJson[#statusJson + 1] = string.format('"%d":%d', status, count)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"durationUs":%d,"requests":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latencyUs":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d},"statuses":{%s}}\n',
      summary.duration, summary.requests, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency:percentile(99.9), table.concat(statusJson, ",")))
end
