import Foundation
import TestSupport

/// Makes `folder` the home of a simulated board: a rules folder with one rule (`hello`, which logs `loaded`)
/// and the configuration file `smsocket.toml`, whose relative paths (`state.sqlite`, `rules`, `control.sock`)
/// are the folder's, as `smsocket` reads them. `mainRelay` is the main relay's table; `button` adds a
/// simulated button. Returns the configuration file's path.
func simulatedBoard(in folder: TemporaryDirectory, mainRelay: String = #"kind = "simulated""#, button: Bool = false) throws -> String {
    try FileManager.default.createDirectory(atPath: folder.path("rules"), withIntermediateDirectories: true)
    try "log('loaded')\n".write(toFile: folder.path("rules/hello.lua"), atomically: true, encoding: .utf8)
    let config = folder.path("smsocket.toml")
    try """
    state = "state.sqlite"
    rules = "rules"
    control_socket = "control.sock"
    [modem]
    kind = "simulated"
    [main_relay]
    \(mainRelay)
    \(button ? "[button]\nkind = \"simulated\"\n" : "")
    """.write(toFile: config, atomically: true, encoding: .utf8)
    return config
}
