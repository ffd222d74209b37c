-- wrk script for bench/run.  Arguments after "--", as key=value:
--   mode=get      GET path
--   mode=pay      POST the Brick's card form to path?purchase_id=ID, a
--                 distinct purchase per request: ID is prefix-T-K, T the
--                 wrk thread (0..threads-1), K its counter from 0; bench/run
--                 wrote per= such contexts for each thread beforehand;
--                 once a thread paid them all, its connections idle
--   mode=node     POST the same form to path (no purchase: the Node SDK
--                 server records nothing)
--   mode=tamper   the same form with an amount one cent short, cycling
--                 through pool= purchases per thread (prefix-T-K, K < pool),
--                 so that no two requests in flight share a purchase lock
--   path=/...     the request path
--   idle=/...     pay: what a connection opened after its thread ran out
--                 of purchases asks for, once
--   delay=MS      pause this long between a response and the next request
--                 on each connection, on average (fractions allowed;
--                 paced runs: Debian has no wrk2)
-- At the end it prints one line, "BENCH " and JSON: requests, duration,
-- latency percentiles, socket errors, every HTTP status counted, and for
-- pay how many purchases each thread used (per= means it ran out).

local form = '{"token":"9f8e7d6c5b4a39281706f5e4d3c2b1a0",' ..
	'"issuer_id":"24","payment_method_id":"master",' ..
	'"transaction_amount":%s,"installments":1,' ..
	'"payment_method_option_id":null,"processing_mode":null,' ..
	'"payer":{"email":"test_user_1@testuser.com",' ..
	'"identification":{"type":"CPF","number":"19119119100"}}}'

local threads = {}
local nthreads = 0

function setup(thread)
	thread:set("tid", nthreads)
	nthreads = nthreads + 1
	table.insert(threads, thread)
end

local opt = {}
local headers = { ["Content-Type"] = "application/json" }
local body, pause, fixed, per
counts = {}
used = 0

function init(args)
	for _, a in ipairs(args) do
		local k, v = a:match("^([%w_]+)=(.*)$")
		if k then opt[k] = v end
	end
	opt.mode = opt.mode or "get"
	opt.path = opt.path or "/"
	pause = tonumber(opt.delay or "0")
	per = tonumber(opt.per)
	if opt.mode == "tamper" then
		body = form:format("149.99")
	else
		body = form:format("150.00")
	end
	if opt.mode == "get" then
		fixed = wrk.format("GET", opt.path)
	elseif opt.mode == "node" then
		fixed = wrk.format("POST", opt.path, headers, body)
	end
end

function delay()
	if per and used >= per then
		-- Nothing left to pay: this connection idles until the end
		-- (stopping the thread would lose the answers in flight).
		return 3600000
	end
	-- wrk takes whole milliseconds: a pause of 12.4 is 12 or 13 at
	-- random, 12.4 on average (one step of 16 connections' 16 ms
	-- cycle would otherwise move the rate by 6%).
	local whole = math.floor(pause)
	if math.random() < pause - whole then
		return whole + 1
	end
	return whole
end

function request()
	if fixed then
		return fixed
	end
	local k = used
	if opt.mode == "tamper" then
		k = k % tonumber(opt.pool)
	elseif per and k >= per then
		-- Every purchase written for this thread is paid; a connection
		-- opened after that asks for something harmless instead, once.
		return wrk.format("GET", opt.idle or "/")
	end
	used = used + 1
	local id = string.format("%s-%d-%d", opt.prefix, tid, k)
	return wrk.format("POST", opt.path .. "?purchase_id=" .. id,
	    headers, body)
end

function response(status, hdrs, b)
	counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
	local statuses, per = {}, {}
	for _, t in ipairs(threads) do
		for s, n in pairs(t:get("counts")) do
			statuses[tostring(s)] = (statuses[tostring(s)] or 0) + n
		end
		table.insert(per, t:get("used"))
	end
	local parts = {}
	for s, n in pairs(statuses) do
		table.insert(parts, string.format('"%s":%d', s, n))
	end
	local e = summary.errors
	io.write(string.format('BENCH {"requests":%d,"duration_us":%d,' ..
	    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
	    '"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,' ..
	    '"timeout":%d},"statuses":{%s},"used":[%s]}\n',
	    summary.requests, summary.duration,
	    latency:percentile(50), latency:percentile(90),
	    latency:percentile(99), latency.mean, latency.max,
	    e.connect, e.read, e.write, e.timeout,
	    table.concat(parts, ","), table.concat(per, ",")))
end
