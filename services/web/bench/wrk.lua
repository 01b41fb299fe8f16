-- One endpoint's requests for wrk, and a one-line JSON summary at the end (bench/wrk.py).
-- Arguments after "--": method, path, body ("" for none), headers ("Name: value" lines),
-- low, high, words (comma-separated). In the path and the body, each request gets
-- {n}, a random integer from low to high, and {word}, one of the words.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("seed", #threads)
end

function init(args)
   method, path, body = args[1], args[2], args[3] ~= "" and args[3] or nil
   low, high = tonumber(args[5]), tonumber(args[6])
   headers = {}
   for name, value in string.gmatch(args[4], "([^:\n]+): ([^\n]+)") do
      headers[name] = value
   end
   words = {}
   for word in string.gmatch(args[7], "[^,]+") do
      table.insert(words, word)
   end
   statuses = {}
   math.randomseed(seed)
end

local function fill(template, n, word)
   return (template:gsub("{n}", function() return n end):gsub("{word}", function() return word end))
end

function request()
   local n, word = tostring(math.random(low, high)), words[math.random(math.max(#words, 1))] or ""
   return wrk.format(method, fill(path, n, word), headers, body and fill(body, n, word))
end

function response(status)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency)
   local counts, fields = {}, {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + count
      end
   end
   for status, count in pairs(counts) do
      table.insert(fields, string.format('"%d": %d', status, count))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "seconds": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, '
         .. '"socket_errors": %d, "statuses": {%s}}\n',
      summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout,
      table.concat(fields, ", ")))
end
