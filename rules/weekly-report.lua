-- Weekly report: every Sunday at 18:00, every ALERTNUMBER gets the STATUS reply and the lowest
-- and highest temperature of the week, so a quiet week still says "all is well".

local DAY, TIME = "7", "18:00" -- 7 = Sunday, as in SCHEDULER

on("temperature", function(ev)
  local t = ev.celsius
  if t == nil then return end
  if data.low == nil or t < data.low then data.low = t end
  if data.high == nil or t > data.high then data.high = t end
end)

at(TIME, DAY, function()
  local text = "Weekly report\n" .. (run("STATUS") or "no STATUS reply")
  if data.low then
    text = text .. "\nThis week: " .. data.low .. "C to " .. data.high .. "C"
  end
  sms("alert", text)
  data.low, data.high = nil, nil
end)
