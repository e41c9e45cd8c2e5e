-- Breaker: a rule that answers every relay change with the opposite switch. Each run is short, so neither
-- limit stops it; the controller must not spin for ever at one instant (it never reads the next input).
on("relay", function(ev) if ev.relay == "main" then if ev.on then main.off() else main.on() end end end)
