-- Night light: a lamp on the main socket shines from sunset to 23:00.
-- Needs [location] in the config (latitude, longitude, timezone) for the sunset time; times are
-- the device clock's local time. When the sun sets after 23:00 (or after midnight, or not at
-- all: a northern summer), the lamp stays off that day. At 23:00 the rule switches off only a
-- lamp it switched on: one that was already on at sunset is left alone.

local OFF_HOUR, OFF_MINUTE = 23, 0
local OFF_AT = string.format("%02d:%02d", OFF_HOUR, OFF_MINUTE)

at("sunset", function()
  local t = now()
  local minutes = t.hour * 60 + t.min
  if minutes < 12 * 60 or minutes >= OFF_HOUR * 60 + OFF_MINUTE then
    return log("sunset after " .. OFF_AT .. ": lamp stays off")
  end
  if state().main then return log("sunset: the socket is already on; left alone") end
  main.on()
  data.lit = true
  log("sunset: lamp on")
end)

at(OFF_AT, function()
  if not data.lit then return end
  data.lit = false
  if state().main then main.off() end
  log(OFF_AT .. ": lamp off")
end)
