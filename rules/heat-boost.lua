-- BOOST: a new SMS command that runs the heater on the main socket for a while.
--   BOOST        heater on for DEFAULT_MINUTES
--   BOOST=90     heater on for 90 minutes (1-720); BOOST90 works too
--   BOOST=OFF    heater off now
-- It passes the same checks as ON (allowed numbers, password) and, like ON5, switches back by
-- itself when the time is up, even across a restart. SMSCONFIRM=OFF silences the reply.

local DEFAULT_MINUTES = 60

command("BOOST", function(ev)
  local value = ev.args:gsub("^[=%s]+", ""):upper()
  if value == "OFF" then
    main.off()
    return "BOOST=OFF - OK\nHeater OFF"
  end
  local minutes = DEFAULT_MINUTES
  if value ~= "" then
    minutes = tonumber(value:match("^%d+$"))
    if minutes == nil or minutes < 1 or minutes > 720 then
      return "BOOST: minutes must be 1-720, e.g. BOOST=90"
    end
  end
  main.on(minutes * 60)
  return "BOOST - OK\nHeater ON for " .. minutes .. " min"
end)
