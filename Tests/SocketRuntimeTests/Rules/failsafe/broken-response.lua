-- A rule test: an alarm response that fails with a table value, then one that computes for ever: each time the
-- built-in alarm SMS goes out instead (the fail-safe), and the controller goes on.
alarm_response(function()
  data.runs = (data.runs or 0) + 1
  if data.runs == 1 then error({code = 42}) end
  while true do end
end)
