-- A rule test: an `at` trigger fires once at its time, and now() then reads the clock at that moment, though
-- the controller handled no event since the last thermometer reading.
local function clock()
  local t = now()
  return string.format("%02d:%02d:%02d", t.hour, t.min, t.sec)
end
at("sunset", function() log("sunset, now() " .. clock()) end)
at("sunrise+1h", "6", function() log("an hour after Saturday's sunrise, now() " .. clock()) end)
