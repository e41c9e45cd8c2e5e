-- Alarm escalation: replaces the built-in alarm notification (when ALERT is CALL or SMS).
--   1. Call the ALERTNUMBERs in turn, RING_SECONDS each, until one answers or rejects the call
--      (either means "I know"; a rule's call opens no microphone, so it is hung up at once).
--   2. Nobody took it: sound the siren on the micro-relay for SIREN_SECONDS.
--   3. SMS every ALERTNUMBER what happened.
-- ALARMOFF stops it at any point, and this rule then silences the siren. If the rule fails
-- (say the micro-relay does not switch), the device sends its own "ALARM! Sensor triggered".

local RING_SECONDS = 20
local SIREN_SECONDS = 180

alarm_response(function()
  local taken_by
  for _, number in ipairs(state().alert_numbers) do
    local outcome = call(number, RING_SECONDS)
    log(number .. ": " .. outcome)
    if outcome == "answered" or outcome == "rejected" then
      hangup()
      taken_by = number
      break
    end
  end
  if taken_by then
    sms("alert", "ALARM! Sensor triggered. " .. taken_by .. " took the call.")
    return
  end
  if state().micro ~= nil then -- nil: the board has no micro-relay, so no siren
    micro.on(SIREN_SECONDS)
  end
  sms("alert", "ALARM! Sensor triggered. Nobody took the call: siren on.")
end)

-- Disarmed (ALARMOFF by SMS, the button): the siren stops.
on("armed", function(ev)
  if not ev.armed and state().micro then micro.off() end
end)
