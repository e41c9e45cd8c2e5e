on("start", function() error("this handler always fails") end)
