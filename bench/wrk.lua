-- One request shape for wrk, from the environment (bench/http.mjs sets it):
-- BENCH_METHOD, BENCH_PATH, BENCH_BODY, BENCH_COOKIE, BENCH_ACCEPT, BENCH_ENCODING, and
-- BENCH_TOGGLE (an avatar id: the body alternates is_active=true and false).
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

local n = 0
request = function()
  if toggle then
    n = n + 1
    body = "id=" .. toggle .. "&is_active=" .. ((n % 2 == 0) and "true" or "false")
  end
  return wrk.format(method, path, headers, body)
end
