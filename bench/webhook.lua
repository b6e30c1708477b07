-- wrk script for bench/webhook.py: send pre-signed Twilio incoming-SMS webhooks.
--
--   wrk -t2 -c16 -d10s --latency -s bench/webhook.lua http://127.0.0.1:PORT/twilio/sms -- FILE 2
--
-- (the last argument repeats -t, the number of threads).
-- Each line of FILE is "<X-Twilio-Signature> <form-encoded body>". Thread k of n takes lines
-- k+1, k+1+n, k+1+2n, ... so no two threads send the same request. The requests are formatted
-- once in init(); request() only hands out the next one. A thread that runs out starts again
-- from its first request and counts a wrap (duplicates are cheap for Warmline, so the caller
-- treats any wrap as an invalid run). done() prints one line, "wrk-json {...}", with the exact
-- counts and latency percentiles (microseconds) for the caller to check.

local threads = {}

function setup(thread)
   -- wrk runs setup() then init() for one thread before it sets up the next, so the number
   -- of threads comes in as an argument rather than from here.
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file, nthreads = args[1], tonumber(args[2])
   requests = {}
   local n = 0
   for line in io.lines(file) do
      if n % nthreads == id then
         local space = line:find(" ", 1, true)
         local headers = {
            ["Content-Type"] = "application/x-www-form-urlencoded",
            ["X-Twilio-Signature"] = line:sub(1, space - 1),
         }
         requests[#requests + 1] = wrk.format("POST", nil, headers, line:sub(space + 1))
      end
      n = n + 1
   end
   if #requests == 0 then
      error("no requests for thread " .. id .. " of " .. nthreads .. " in " .. file)
   end
   position = 0
   sent = 0
   wraps = 0
end

function request()
   position = position + 1
   if position > #requests then
      position = 1
      wraps = wraps + 1
   end
   sent = sent + 1
   return requests[position]
end

function done(summary, latency, _)
   -- wrk calls request() once on the first thread before the run, to check the request
   -- parses, and never sends that one: it is not counted as sent.
   local sent_total, wraps_total = -1, 0
   for _, t in ipairs(threads) do
      sent_total = sent_total + t:get("sent")
      wraps_total = wraps_total + t:get("wraps")
   end
   local e = summary.errors
   io.write(string.format(
      'wrk-json {"sent": %d, "wraps": %d, "completed": %d, "duration_us": %d, '
         .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
         .. '"latency_us": {"p50": %d, "p99": %d, "mean": %.1f, "max": %d}}\n',
      sent_total, wraps_total, summary.requests, summary.duration,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50.0), latency:percentile(99.0), latency.mean, latency.max
   ))
end
