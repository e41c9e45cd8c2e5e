-- Frost guard: a heater on the main socket keeps a cottage above freezing.
-- Below ON_BELOW °C the heater goes on and every ALERTNUMBER gets an SMS; from OFF_FROM °C up
-- it goes off again, but only if this rule switched it on (a heater you switched on stays on).
-- Use it instead of THERMOSTAT, not with it: both would drive the main socket.

local ON_BELOW = 3
local OFF_FROM = 6

on("temperature", function(ev)
  local t = ev.celsius
  if t == nil then return end -- no reading (sensor missing or faulty): leave the heater as it is
  if t < ON_BELOW and not state().main then
    main.on()
    data.heating = true
    sms("alert", "Frost guard: " .. t .. "C, heater ON")
  elseif t >= OFF_FROM and data.heating then
    data.heating = false
    if state().main then main.off() end
    log("heater off at " .. t .. "C")
  end
end)
