-- wrk script: GET /v1/search over rotating job-seeker queries, some with filters (facets are
-- always computed). Used for the throughput figures in README "Running it for a careers site":
--   wrk -t2 -c8 -d20s -s scripts/bench/search.lua http://127.0.0.1:8000
local queries = {
  "rust storage engineer", "frontend react typescript", "data engineer kafka spark",
  "site reliability kubernetes on-call", "ios swift developer", "account executive saas",
  "machine learning recommendations", "customer support specialist", "go microservices grpc",
  "database internals", "senior backend engineer python", "junior data analyst sql",
  "product designer design systems", "engineering manager platform", "security engineer cloud",
  "android kotlin mobile", "devops terraform aws", "technical writer developer docs",
  "payments backend java", "graduate software engineer", "staff engineer distributed systems",
  "marketing manager b2b", "recruiter technical hiring", "qa automation engineer",
  "compiler engineer llvm", "embedded c firmware", "data scientist experimentation",
  "solutions architect enterprise", "full stack node react", "head of sales europe",
  "remote python developer in europe", "backend engineer in berlin", "ml engineer nlp",
  "finance analyst", "customer success manager", "search relevance engineer",
}
local filters = { "", "", "", "&location=remote", "&language=python", "&location=US&language=go" }
local n = 0

local function escape(s)
  return (s:gsub(" ", "+"))
end

request = function()
  n = n + 1
  local q = queries[(n % #queries) + 1]
  local f = filters[(n % #filters) + 1]
  return wrk.format("GET", "/v1/search?q=" .. escape(q) .. f)
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d  errors %d  p50 %.1f ms  p99 %.1f ms  rps %.1f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
