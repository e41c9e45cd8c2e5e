-- A rule test: a waiting command run and a waiting alarm response are cut short by a restart; math.huge kept in
-- data must come back as math.huge after the restart (it comes back as 0.0).
on("start", function(ev)
  table.sort(ev.interrupted)
  log("interrupted: " .. table.concat(ev.interrupted, ",") .. "; lowest " .. tostring(data.lowest))
end)
command("LONG", function() data.lowest = math.huge; sleep("1h"); return "done" end)
alarm_response(function() sleep("1h") end)
