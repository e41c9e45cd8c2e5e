import CLua
import CLuaShim

/// The Lua rule host: loads rule files into sandboxed Lua 5.4 states, one per rule, and runs their handlers
/// as coroutines (rules-api.md).
///
/// The integration loads each rule (``load(rule:file:source:data:)``), keeps the returned registrations,
/// and when a trigger happens calls ``start(_:with:)``. A step comes back: the handler finished (its
/// return value), waits (carry out the ``WaitRequest``, then ``resume(_:with:)``), or failed (report it).
/// Queries (`state`, `now`, `sun`) and `log` reach the ``RuleEnvironment`` synchronously during the step; every
/// action waits for the integration.
///
/// Each rule's state has its own globals, string metatable, memory cap and failure count; a Lua error
/// never unwinds through a Swift frame (the C shim raises and yields); every call into Lua runs under the
/// computing time limit.
///
/// - Important: not thread-safe and not `Sendable`: one owner (the controller actor) makes every call, so
///   no Lua call ever happens on two threads.
public final class RuleHost {
    /// Failures in a row after which a rule is disabled until it is loaded again.
    public static let failuresBeforeDisabling = 5
    /// The longest `log` line, in bytes; a longer one is cut and ends with `…`.
    public static let maximumLogLength = 4096
    /// The longest TEXT of `sms` and `run`, in bytes (ten SMS parts).
    public static let maximumTextLength = 1600
    /// The most numbers in one `sms` TO list.
    public static let maximumRecipients = 10

    public let configuration: RuleHostConfiguration
    /// Where actions and queries go. Not kept alive by the host (the environment usually owns it); while it
    /// is gone, actions raise `the device is not available` and logs are dropped.
    public weak var environment: (any RuleEnvironment)?

    private var rules: [String: LoadedRule] = [:]
    /// The loaded rules in load order.
    public private(set) var ruleNames: [String] = []
    private var loads = 0
    private var runs = 0

    public init(configuration: RuleHostConfiguration = RuleHostConfiguration(), environment: any RuleEnvironment) {
        self.configuration = configuration
        self.environment = environment
    }

    deinit {
        for name in ruleNames { rules[name]?.close() }
    }

    // MARK: - Loading

    /// Loads a rule: a new state, the file's text compiled (never bytecode) and run once, which registers
    /// its triggers. A rule of the same name is unloaded first (its waiting runs cancelled).
    ///
    /// - Parameters:
    ///   - rule: the rule's name (its file name without `.lua`).
    ///   - file: the file as messages name it (`alarm.lua`): failures read `alarm.lua:12: …`.
    ///   - source: the file's text.
    ///   - data: the rule's stored `data` (a table, or `.nil` for a fresh `{}`).
    /// - Returns: the registrations in the order the file made them.
    /// - Throws: ``RuleFailure`` (`syntax`, `registration`, `runtime`, `memoryLimit`, `timeLimit`,
    ///   `badYield`), with `FILE:LINE` where known; the rule is then not loaded.
    @discardableResult
    public func load(rule name: String, file: String, source: String, data: LuaValue = .nil) throws(RuleFailure)
        -> [Registration]
    {
        unload(rule: name)
        loads += 1
        let rule: LoadedRule
        do throws(LuaStatusError) {
            rule = try LoadedRule(host: self, name: name, file: file, load: loads, data: data)
        } catch {
            throw RuleFailure(
                code: error.code == .memory ? .memoryLimit : .runtime, rule: name, location: nil,
                message: "the rule's Lua state cannot be set up: \(error)")
        }
        do throws(RuleFailure) {
            try run(file: file, source: source, in: rule)
        } catch {
            rule.close()
            throw error
        }
        rule.isLoading = false
        rules[name] = rule
        ruleNames.append(name)
        return rule.registrations
    }

    private func run(file: String, source: String, in rule: LoadedRule) throws(RuleFailure) {
        var thread: OpaquePointer?
        var reference: Int32 = LUA_NOREF
        var text = source
        let compiled = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                luashim_load(rule.state, chars.baseAddress, chars.count, "@" + file, &thread, &reference)
            }
        }
        guard compiled == LUA_OK, let thread else {
            let message = LuaStack(rule.state).text(at: -1) ?? "cannot load the file"
            lua_settop(rule.state, -2)
            let (location, rest) = rule.splitLocation(message) ?? (nil, message)
            throw RuleFailure(
                code: compiled == LUA_ERRSYNTAX ? .syntax : compiled == LUA_ERRMEM ? .memoryLimit : .runtime,
                rule: rule.name, location: location, message: rest)
        }
        var results: Int32 = 0
        var waiting: Int32 = 0
        let status = luashim_resume(rule.state, thread, 0, &results, &waiting)
        let failure = status == LUA_OK && !rule.wasStopped ? nil : rule.failure(of: thread, status: status)
        _ = luashim_release(rule.state, reference)
        if let failure { throw failure }
    }

    /// Unloads a rule: its waiting runs are dropped without running any more of their code, and its state
    /// is closed.
    public func unload(rule name: String) {
        guard let rule = rules.removeValue(forKey: name) else { return }
        ruleNames.removeAll { $0 == name }
        rule.close()
    }

    // MARK: - Runs

    /// Starts a run of `handler` with `argument` as the handler's one argument (none when `.nil`): the event
    /// table of `on`, `{from=, text=, args=}` of `command`; nothing for `every`, `at`, `action` and
    /// `alarm_response`.
    ///
    /// - Returns: the first step, or nil when the handler's rule is not loaded any more, was loaded again
    ///   since, or is disabled.
    public func start(_ handler: HandlerID, with argument: LuaValue = .nil) -> RunStep? {
        guard let rule = rules[handler.rule], rule.load == handler.load, !rule.isDisabled,
            rule.registrations.indices.contains(handler.slot - 1)
        else { return nil }
        runs += 1
        let run = RunID(rule: rule.name, number: runs)
        var encoding = ValueEncoding()
        if argument != .nil { encoding.append(argument) }
        var thread: OpaquePointer?
        var reference: Int32 = LUA_NOREF
        let status = encoding.bytes.withUnsafeBufferPointer { bytes in
            luashim_start(rule.state, Int32(handler.slot), bytes.baseAddress, bytes.count, &thread, &reference)
        }
        guard status == LUA_OK, let thread else {
            let memory = status == LUA_ERRMEM || rule.shim.pointee.memory_exceeded != 0
            let message = LuaStack(rule.state).text(at: -1) ?? "error"
            lua_settop(rule.state, -2)
            let failure = RuleFailure(
                code: memory ? .memoryLimit : .runtime, rule: rule.name, location: nil,
                message: "the run cannot start: \(message)")
            return conclude(run, of: rule, .failed(failure))
        }
        rule.runs[run.number] = LoadedRule.RunThread(thread: thread, reference: reference, isWaiting: false)
        return step(run, of: rule, arguments: lua_gettop(thread) - 1)
    }

    /// Resumes a waiting run with the answer to its request; the waiting Lua call returns it.
    ///
    /// - Returns: the next step, or nil when `run` is not waiting (it ended, was cancelled, or its rule
    ///   was unloaded).
    public func resume(_ run: RunID, with result: WaitResult) -> RunStep? {
        guard let rule = rules[run.rule], rule.runs[run.number]?.isWaiting == true else { return nil }
        var encoding = ValueEncoding()
        var raise: String?
        switch result {
        case .slept: break
        case .call(let outcome): encoding.append(.string(outcome.rawValue))
        case .ussd(let answer): encoding.append(answer.map(LuaValue.string) ?? .nil)
        case .action(.success(let reply)):
            if case .action(.run) = rule.request { encoding.append(reply.map(LuaValue.string) ?? .nil) }
        case .action(.failure(let error)):
            raise = (rule.requestName.map { "\($0): " } ?? "") + error.message
        }
        if let raise {
            rule.setReply(Array(raise.utf8))
            rule.shim.pointee.reply_raises = 1
        } else {
            rule.setReply(encoding.bytes)
        }
        rule.runs[run.number]?.isWaiting = false
        return step(run, of: rule, arguments: 0)
    }

    /// Ends a waiting run without running any more of its code (reload, ALARMOFF cancelling the alarm
    /// response). Not a failure.
    ///
    /// - Returns: whether the run was waiting.
    @discardableResult
    public func cancel(_ run: RunID) -> Bool {
        guard let rule = rules[run.rule], rule.runs[run.number]?.isWaiting == true else { return false }
        end(run, of: rule)
        return true
    }

    /// The runs of `rule` that are waiting, in start order.
    public func waitingRuns(of rule: String) -> [RunID] {
        guard let loaded = rules[rule] else { return [] }
        return loaded.runs.keys.sorted().map { RunID(rule: rule, number: $0) }
    }

    private func step(_ run: RunID, of rule: LoadedRule, arguments: Int32) -> RunStep {
        guard let thread = rule.runs[run.number]?.thread else {
            preconditionFailure("step of run \(run), which has no thread")
        }
        rule.running = run
        rule.request = nil
        var results: Int32 = 0
        var waiting: Int32 = 0
        let status = luashim_resume(rule.state, thread, arguments, &results, &waiting)
        rule.running = nil
        let outcome: RunStep.Outcome
        if rule.wasStopped {
            // Stopped, but the run caught the error and went on for less than a hook interval.
            outcome = .failed(rule.failure(of: thread, status: status))
        } else if status == LUA_OK {
            let value = results > 0 ? (try? LuaStack(thread).value(at: -results, storable: false, path: "result")) : nil
            outcome = .finished(value ?? .nil)
        } else if status == LUA_YIELD, waiting != 0, let request = rule.request {
            lua_settop(thread, -results - 1)
            rule.runs[run.number]?.isWaiting = true
            return conclude(run, of: rule, .waiting(request))
        } else {
            outcome = .failed(rule.failure(of: thread, status: status))
        }
        end(run, of: rule)
        if case .failed(let failure) = outcome, failure.code == .memoryLimit {
            // Give the rule its memory back now, not at the next allocation.
            _ = luashim_collect(rule.state)
        }
        return conclude(run, of: rule, outcome)
    }

    private func end(_ run: RunID, of rule: LoadedRule) {
        guard let ended = rule.runs.removeValue(forKey: run.number) else { return }
        _ = luashim_release(rule.state, ended.reference)
    }

    /// Hands out `data` when it changed, gathers the other failures, and counts this one.
    private func conclude(_ run: RunID, of rule: LoadedRule, _ outcome: RunStep.Outcome) -> RunStep {
        var outcome = outcome
        var reports: [RuleFailure] = []
        var dataToSave: LuaValue?
        do throws(RuleFailure) {
            let data = try rule.data()
            if data != rule.savedData {
                rule.savedData = data
                dataToSave = data
            }
        } catch {
            switch outcome {
            case .failed: reports.append(error)
            case .waiting:
                end(run, of: rule)
                outcome = .failed(error)
            case .finished: outcome = .failed(error)
            }
        }
        var failures = reports.count
        switch outcome {
        case .finished: rule.consecutiveFailures = 0
        case .failed: failures += 1
        case .waiting: break
        }
        if failures > 0 {
            rule.consecutiveFailures += failures
            if rule.consecutiveFailures >= Self.failuresBeforeDisabling, !rule.isDisabled {
                rule.isDisabled = true
                reports.append(RuleFailure(
                    code: .disabled, rule: rule.name, location: nil,
                    message: "disabled after \(rule.consecutiveFailures) failures in a row, until the rules are reloaded"))
            }
        }
        return RunStep(run: run, outcome: outcome, dataToSave: dataToSave, reports: reports)
    }

    // MARK: - Inspection

    /// The `data` of a loaded rule as it must be stored (nil when the rule is not loaded).
    ///
    /// - Throws: ``RuleFailure`` `badData` naming the part that cannot be stored (`data.f: a function
    ///   cannot be stored`).
    public func data(of rule: String) throws(RuleFailure) -> LuaValue? {
        try rules[rule]?.data()
    }

    /// The bytes a loaded rule's Lua state holds now, as its allocator counts them (nil when not loaded).
    public func memoryInUse(by rule: String) -> Int? { rules[rule]?.memoryInUse }

    /// Whether a loaded rule is disabled after repeated failures.
    public func isDisabled(_ rule: String) -> Bool { rules[rule]?.isDisabled ?? false }

    /// The rule that already holds a trigger only one handler may have (an action NAME, a command KEYWORD,
    /// the alarm response): `rule` itself, or another loaded rule.
    func owner(clashingWith trigger: Trigger, in rule: LoadedRule) -> String? {
        func clashes(_ other: Trigger) -> Bool {
            switch (trigger, other) {
            case (.action(let a), .action(let b)): a == b
            case (.command(let a, _), .command(let b, _)): a == b
            case (.alarmResponse, .alarmResponse): true
            default: false
            }
        }
        if rule.registrations.contains(where: { clashes($0.trigger) }) { return rule.name }
        return ruleNames.first { name in
            name != rule.name && rules[name]?.registrations.contains { clashes($0.trigger) } == true
        }
    }
}

@available(*, unavailable, message: "a RuleHost belongs to one owner; Lua states are not thread-safe")
extension RuleHost: Sendable {}
