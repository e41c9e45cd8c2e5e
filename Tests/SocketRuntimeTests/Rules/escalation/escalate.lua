-- A rule test: the alarm response calling the alert numbers in turn, and a rule command waiting for USSD.
alarm_response(function()
  for _, number in ipairs(state().alert_numbers) do
    local outcome = call(number, 15)
    log("called " .. number .. ": " .. outcome)
    if outcome == "answered" then sleep("10s"); hangup(); return end
  end
  sms("alert", "Alarm! Nobody answered")
end)
command("BAL", function() return ussd("*100#") or "no answer" end, "info")
