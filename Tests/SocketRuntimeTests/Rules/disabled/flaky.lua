-- A rule test: a handler that fails every time is disabled after 5 failures in a row, and that is reported;
-- a reload brings it back. A run that ends well starts the count again.
every("1m", function()
  data.n = (data.n or 0) + 1
  if data.n == 2 then return log("run 2 ends well") end
  error("run " .. data.n .. " failed")
end)
