-- One request shape for wrk, from the environment (bench/http.mjs sets it):
-- BENCH_METHOD, BENCH_PATH, BENCH_BODY, BENCH_COOKIE, BENCH_ACCEPT, BENCH_ENCODING, and
-- BENCH_TOGGLE (an avatar id: the body alternates is_active=true and false), and
-- BENCH_NETWORKS (a number: each request names one of that many IPv6 /64s per thread in
-- X-Forwarded-For, as clients on networks of their own; the server believes it from
-- loopback). Without it every request is the one client on 127.0.0.1. BENCH_KEYED (any
-- value): each request carries an Idempotency-Key of its own, as the page's changes do.
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
local toggle = os.getenv("BENCH_TOGGLE")
local headers = {}
for name, variable in pairs({ Cookie = "BENCH_COOKIE", Accept = "BENCH_ACCEPT", ["Accept-Encoding"] = "BENCH_ENCODING" }) do
  local value = os.getenv(variable)
  if value and value ~= "" then headers[name] = value end
end
if method == "POST" then headers["Content-Type"] = "application/x-www-form-urlencoded" end

local networks = tonumber(os.getenv("BENCH_NETWORKS") or "")
local keyed = os.getenv("BENCH_KEYED")

-- Each thread its own range of networks.
local threads = 0
setup = function(thread)
  thread:set("first_network", threads * 4096)
  thread:set("thread_number", threads)
  threads = threads + 1
end

-- A prefix no other run or thread has: the keys of a warm-up are not replayed.
local prefix
init = function()
  math.randomseed(os.time() * 1000 + (thread_number or 0))
  prefix = string.format("%d-%d-%d", os.time(), thread_number or 0, math.random(1, 1000000000))
end

local n = 0
request = function()
  n = n + 1
  if toggle then
    body = "id=" .. toggle .. "&is_active=" .. ((n % 2 == 0) and "true" or "false")
  end
  if keyed then
    headers["Idempotency-Key"] = prefix .. "-" .. n
  end
  if networks then
    headers["X-Forwarded-For"] = string.format("2001:db8:%x::1", first_network + n % networks)
  end
  return wrk.format(method, path, headers, body)
end
