-- A rule test: an alarm response that waits; a reload cancels it before it returns, so the fail-safe SMS must go.
alarm_response(function() log("response started"); sleep("1h"); log("response ended") end)
command("QQ", function() return "alarm=" .. state().alarm end, "info")
