-- A rule test: a rule that answers every relay change with the opposite switching. Each run is short, so no
-- limit of the host stops it; the controller skips the rule's event handlers after 200 runs in a second.
on("relay", function(ev) if ev.relay == "main" then if ev.on then main.off() else main.on() end end end)
