-- Exercises the rule API through simulate: events, every, at, a scheduler action, an SMS command, data.
log("loaded")
on("start", function(ev) log("start; runs cut short: " .. #ev.interrupted) end)
on("relay", function(ev) log("relay " .. ev.relay .. " " .. tostring(ev.on)) end)
every("10m", function()
  data.ticks = (data.ticks or 0) + 1
  log("tick " .. data.ticks .. ", main " .. tostring(state().main))
end)
at("08:30", "12345", function() log("08:30 on a weekday"); main.on(60) end)
command("GARAGE", function(ev) return "GARAGE" .. ev.args .. " - OK" end)
command("LIMIT", function(ev) return "LIMIT" .. ev.args .. " - OK" end, "config")
action("COFFEE", function() main.on(); sleep("2m"); main.off() end)
on("sms", function(ev) log("sms " .. ev.text) end)
