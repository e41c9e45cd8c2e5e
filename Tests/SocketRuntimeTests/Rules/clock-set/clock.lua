-- A rule test: an `at` trigger fires once a day, and now() is the device clock at the moment of the call, also in
-- the first minutes after the clock was set.
at("08:05", function() local n = now(); log(string.format("at 08:05, now() %02d:%02d", n.hour, n.min)) end)
