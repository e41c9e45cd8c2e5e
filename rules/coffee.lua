-- Coffee on weekdays: a coffee machine on the main socket, started by the scheduler.
-- Set the time by SMS, once:       SCHEDULER+06:45,*,COFFEE
-- COFFEE brews Monday to Friday and skips the weekend: SCHEDULER's day is one digit or *, so
-- "weekdays" lives here rather than in five scheduler entries. BREW brews on any day it fires
-- (SCHEDULER+09:30,6,BREW: Saturdays). Change the time with SCHEDULER-... and SCHEDULER+...
-- The socket switches off by itself after BREW_MINUTES (like ON30), so the hot plate never stays on.
-- If the socket is already on (something else uses it), the rule leaves it alone.

local BREW_MINUTES = 30

local function brew(why)
  if state().main then
    log(why .. ": the socket is already on; left alone")
    return
  end
  main.on(BREW_MINUTES * 60)
  log(why .. ": brewing")
end

action("COFFEE", function()
  local today = now() -- never nil here: the scheduler only runs with the clock set
  if today.wday >= 6 then
    log("COFFEE: weekend, no coffee")
    return
  end
  brew("COFFEE")
end)

action("BREW", function() brew("BREW") end)
