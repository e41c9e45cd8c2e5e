-- A rule test: the next start event lists the runs a restart cut short, the alarm response's and a command's
-- among them.
on("start", function(ev) log("cut short: " .. table.concat(ev.interrupted, ", ")) end)
alarm_response(function() sleep("5m") end)
command("SLOW", function() sleep("1m"); return "done" end)
