import ArgumentParser
import SocketRuntime

/// `smsocket log`: the history, newest last.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the history: SMS, commands, calls, relays, alarm and modem (temperature with --temperature).",
        discussion: """
            Without a kind flag every kind but the temperature is shown; the flags combine (--sms --alarm). \
            With --follow the command runs on, printing each new line, until interrupted or the controller stops. 
            """ + ControlOptions.exitCodes)

    @Flag(help: "Alarm triggers, arming and disarming.") var alarm = false
    @Flag(help: "SMS received (commands masked) and sent.") var sms = false
    @Flag(help: "Temperature readings (one a minute, kept 7 days).") var temperature = false
    @Flag(help: "With --temperature: hourly minimum, mean and maximum (kept 2 years) instead of readings.") var hourly = false
    @Option(name: .customShort("n"), help: "How many lines, the newest (1 to \(HistoryQuery.maxLimit)).") var lines = HistoryQuery.defaultLimit
    @Flag(help: "Then print each new line as it is written.") var follow = false

    @OptionGroup var stateOption: StateOption
    @OptionGroup var options: ControlOptions

    func validate() throws {
        guard (1...HistoryQuery.maxLimit).contains(lines) else { throw ValidationError("-n takes 1 to \(HistoryQuery.maxLimit)") }
        if hourly, !temperature { throw ValidationError("--hourly goes with --temperature") }
        if follow, stateOption.state != nil { throw ValidationError("--follow needs the running controller, not --state") }
    }

    var query: HistoryQuery {
        guard alarm || sms || temperature else { return HistoryQuery(limit: lines) }
        let kinds = Set([alarm ? HistoryEntry.Kind.alarm : nil, sms ? .sms : nil].compactMap { $0 })
        return HistoryQuery(kinds: kinds, temperature: temperature, hourly: hourly, limit: lines)
    }

    func run() throws {
        if let store = try stateOption.open(mayCreate: false, options) {
            let records: [HistoryRecord]
            do {
                records = try query.records(in: store)
            } catch {
                throw options.refuse(ControlError(.notRead, "\(error)"))
            }
            if options.json { print(ControlReply.success(ControlReply.LogHeader(records: records.count))) }
            for record in records { print(options.json ? ControlReply.success(ControlReply.LogLine(record: record)) : record.line) }
            return
        }
        try ask()
    }

    /// Asks the running controller: the header line, then one line per record (as they come, with --follow).
    private func ask() throws {
        var failure: Int32?
        var first = true
        let client = ControlClient(path: try options.socketPath(), timeout: follow ? nil : .seconds(60))
        do {
            try client.exchange(ControlRequest.log(query, follow: follow).json) { line in
                do {
                    if first {
                        first = false
                        _ = try ControlReply.decode(line, as: ControlReply.LogHeader.self)
                        if options.json { Simulate.writeLine(line) }
                    } else {
                        // Unbuffered, so that --follow shows each line as it comes.
                        let record = try ControlReply.decode(line, as: ControlReply.LogLine.self).record
                        Simulate.writeLine(options.json ? line : record.line)
                    }
                    return true
                } catch let error as ControlError {
                    if options.json { Simulate.writeLine(line) } else { options.printError(error.message) }
                    failure = ControlOptions.exitCode(error)
                } catch let error as ControlClientError {
                    options.printError(error.message)
                    failure = ControlOptions.exitCode(error.kind)
                } catch {
                    options.printError("\(error)")
                    failure = ControlOptions.Exit.garbled
                }
                return false
            }
        } catch {
            options.printError(error.message)
            throw ExitCode(ControlOptions.exitCode(error.kind))
        }
        if let failure { throw ExitCode(failure) }
        if first {
            options.printError("the controller closed the connection without an answer")
            throw ExitCode(ControlOptions.Exit.garbled)
        }
    }
}
