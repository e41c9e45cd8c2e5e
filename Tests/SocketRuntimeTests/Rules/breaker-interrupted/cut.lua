-- Breaker: a waiting command run and a waiting alarm response, cut short by a restart, are both listed by `start`;
-- math.huge in data survives the restart.
on("start", function(ev)
  table.sort(ev.interrupted)
  log("interrupted: " .. table.concat(ev.interrupted, ",") .. "; lowest " .. tostring(data.lowest))
end)
command("LONG", function() data.lowest = math.huge; sleep("1h"); return "done" end)
alarm_response(function() sleep("1h") end)
