-- A rule test: `mains` fires when the power goes or comes back, not when the mains sense repeats its level
-- (as the simulated one does after power-up).
on("mains", function(ev) log("mains present: " .. tostring(ev.present)) end)
