-- One request shape for wrk, from the environment (bench/http.mjs sets it):
-- BENCH_METHOD, BENCH_PATH, BENCH_BODY, BENCH_COOKIE, BENCH_ACCEPT, BENCH_ENCODING, and
-- BENCH_TOGGLE (an avatar id: the body alternates is_active=true and false), and
-- BENCH_NETWORKS (a number: each request names one of that many IPv6 /64s per thread in
-- X-Forwarded-For, as clients on networks of their own; the server believes it from
-- loopback). Without it every request is the one client on 127.0.0.1.
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

-- Each thread its own range of networks.
local threads = 0
setup = function(thread)
  thread:set("first_network", threads * 4096)
  threads = threads + 1
end

local n = 0
request = function()
  n = n + 1
  if toggle then
    body = "id=" .. toggle .. "&is_active=" .. ((n % 2 == 0) and "true" or "false")
  end
  if networks then
    headers["X-Forwarded-For"] = string.format("2001:db8:%x::1", first_network + n % networks)
  end
  return wrk.format(method, path, headers, body)
end
