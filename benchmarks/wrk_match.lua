-- wrk script for benchmarks/serve_load.py --client wrk: single-query POST /match/default,
-- rotating a few names, with the API key from $CLEARANCE_KEY.
local names = {"Hikvision", "Chen Quanguo", "Rosneft", "Kim Jong Un", "Acme Trading Ltd", "Ivan Petrov"}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "ApiKey " .. os.getenv("CLEARANCE_KEY")

request = function()
  i = i + 1
  local name = names[(i % #names) + 1]
  local body = '{"queries": {"q1": {"schema": "LegalEntity", "properties": {"name": ["'
    .. name .. '"]}}}}'
  return wrk.format(nil, "/match/default", nil, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errors.connect, errors.read, errors.write, errors.status,
    errors.timeout))
end
