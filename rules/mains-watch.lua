-- Mains watch: counts power cuts and how long they last. The device already sends "Power
-- failure!" and "Power restored!" (707, to the ALERTNUMBERs); this rule adds, when power
-- comes back after a cut of REPORT_MINUTES or more, how long it was off and the total so far:
--   Mains was off 42 min. Cuts since 26/01/05: 3, 57 min in all.
-- The counts live in `data`, so they survive restarts and reloads.

local REPORT_MINUTES = 10

on("mains", function(ev)
  local t = now() -- nil while the device clock is unset
  if not ev.present then
    data.cuts = (data.cuts or 0) + 1
    data.lost_at = t and os.time(t) -- the clock table as a number of seconds
    if data.since == nil and t then data.since = string.format("%02d/%02d/%02d", t.year % 100, t.month, t.day) end
    log("mains lost, cut " .. data.cuts)
    return
  end
  local from, to = data.lost_at, t and os.time(t)
  data.lost_at = nil
  if from == nil or to == nil or to < from then
    log("mains back (length of the cut unknown: the clock was unset)")
    return
  end
  local minutes = (to - from) // 60
  data.minutes = (data.minutes or 0) + minutes
  log("mains back after " .. minutes .. " min")
  if minutes >= REPORT_MINUTES then
    sms("alert", string.format("Mains was off %d min. Cuts since %s: %d, %d min in all.",
      minutes, data.since or "?", data.cuts, data.minutes))
  end
end)
