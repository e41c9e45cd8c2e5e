-- A rule test: a loop of sms() calls is stopped at 30 SMS an hour, with an error in the rule.
command("FLOOD", function() for i = 1, 100 do sms("+3589000000001", "x" .. i) end return "sent" end)
