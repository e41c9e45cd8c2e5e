import CLua
import CLuaShim

/// One rule's Lua state and everything the host knows about it: its registrations, its runs in progress and
/// its failure count. Owned by ``RuleHost``; the state is closed when the rule is unloaded.
final class LoadedRule {
    unowned let host: RuleHost
    let name: String
    let file: String
    /// Which load of the host this is (handlers of earlier loads are stale).
    let load: Int
    let shim: UnsafeMutablePointer<luashim_rule>
    let state: OpaquePointer

    var registrations: [Registration] = []
    /// True while the file's top level runs: only then do the trigger functions work.
    var isLoading = true
    /// The run whose Lua code is executing, nil at load time.
    var running: RunID?
    /// What the running code asked the host for, set by a waiting function just before it yields.
    var request: WaitRequest?
    /// The Lua name of the waiting function (`main.on`), which an error it raises on resume begins with.
    var requestName: String?
    /// The message of the last error a trigger function raised, to tell a bad registration from other errors.
    var registrationError: String?
    var consecutiveFailures = 0
    var isDisabled = false
    /// The `data` last handed to the integration (at load: the value given, as the state holds it).
    var savedData: LuaValue
    /// Threads of the runs in progress, by run number.
    var runs: [Int: RunThread] = [:]

    struct RunThread {
        let thread: OpaquePointer
        let reference: Int32
        var isWaiting: Bool
    }

    private var reply = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)

    /// A state with the sandbox opened, the rule functions registered and `data` set.
    ///
    /// - Throws: when even that failed (`data` too large for the memory limit, the system out of memory).
    init(host: RuleHost, name: String, file: String, load: Int, data: LuaValue) throws(LuaStatusError) {
        self.host = host
        self.name = name
        self.file = file
        self.load = load
        self.savedData = data
        shim = .allocate(capacity: 1)
        shim.initialize(to: luashim_rule())
        shim.pointee.limit = host.configuration.memoryLimit
        shim.pointee.compute_limit_ns = UInt64(Self.nanoseconds(host.configuration.computeLimit))
        guard let state = luashim_newstate(shim) else {
            shim.deallocate()
            reply.deallocate()
            throw LuaStatusError(code: .memory, message: "cannot create a Lua state")
        }
        self.state = state
        shim.pointee.dispatch = { context, state, function in
            guard let context, let state else { return Int32(LUASHIM_RAISE.rawValue) }
            return Unmanaged<LoadedRule>.fromOpaque(context).takeUnretainedValue().call(function, on: state)
        }
        shim.pointee.context = Unmanaged.passUnretained(self).toOpaque()
        do throws(LuaStatusError) {
            try LuaStatusError.check(luashim_open(state), state)
            for function in RuleFunction.allCases {
                let status = function.table.withOptionalCString { table in
                    luashim_register(state, table, function.name, function.rawValue, function.joinsArguments ? 1 : 0)
                }
                try LuaStatusError.check(status, state)
            }
            var encoding = ValueEncoding()
            encoding.append(data)
            let status = encoding.bytes.withUnsafeBufferPointer { luashim_set_data(state, $0.baseAddress, $0.count) }
            try LuaStatusError.check(status, state)
        } catch {
            luashim_close(state)
            throw error
        }
        // As Lua holds it (a fresh `{}`, float keys 2.0 made 2): a change is then a change the rule made.
        savedData = (try? self.data()) ?? data
    }

    /// Closes the state.
    func close() {
        runs.removeAll()
        luashim_close(state)
    }

    deinit {
        shim.deallocate()
        reply.deallocate()
    }

    var memoryInUse: Int { shim.pointee.used }

    /// Whether the last resume reached the memory or the time limit, even if the run caught the error.
    var wasStopped: Bool { shim.pointee.memory_exceeded != 0 || shim.pointee.time_exceeded != 0 }

    // MARK: - Calls from Lua

    /// The trampoline's call into Swift: runs the function and leaves its reply for the C side.
    private func call(_ number: Int32, on thread: OpaquePointer) -> Int32 {
        guard let function = RuleFunction(rawValue: number) else { return setRaise("unknown function") }
        let reply = function.call(Arguments(stack: LuaStack(thread), function: function.luaName), rule: self)
        switch reply {
        case .values(let values):
            var encoding = ValueEncoding()
            for value in values { encoding.append(value) }
            setReply(encoding.bytes)
            return Int32(LUASHIM_RETURN.rawValue)
        case .raise(let message):
            if function.isTrigger { registrationError = message }
            return setRaise(message)
        case .wait(let request):
            self.request = request
            requestName = function.luaName
            return Int32(LUASHIM_WAIT.rawValue)
        case .keepHandler(let argument, let slot):
            shim.pointee.handler_argument = argument
            shim.pointee.handler_slot = Int32(slot)
            return Int32(LUASHIM_KEEP_HANDLER.rawValue)
        }
    }

    private func setRaise(_ message: String) -> Int32 {
        setReply(Array(message.utf8))
        return Int32(LUASHIM_RAISE.rawValue)
    }

    /// Copies `bytes` where the C side reads the reply; the buffer outlives the call, as it must.
    func setReply(_ bytes: [UInt8]) {
        if bytes.count > reply.count {
            reply.deallocate()
            reply = .allocate(byteCount: max(bytes.count, reply.count * 2), alignment: 8)
        }
        reply.copyBytes(from: bytes)
        shim.pointee.reply = UnsafePointer(reply.baseAddress?.assumingMemoryBound(to: UInt8.self))
        shim.pointee.reply_length = bytes.count
    }

    // MARK: - Failures

    /// The failure of `thread`, which ended with `status` (an error; a yield other than a host wait; or
    /// any status after a stop): message, location and traceback read from the thread before it is released.
    func failure(of thread: OpaquePointer, status: Int32) -> RuleFailure {
        // Only an error status leaves an error object on the thread.
        let failed = status != LUA_OK && status != LUA_YIELD
        let stoppedForMemory = shim.pointee.memory_exceeded != 0 || status == LUA_ERRMEM
        let stoppedForTime = shim.pointee.time_exceeded != 0
        var message = "the run failed"
        var location: String?
        var traceback: String?
        let described = luashim_describe(state, thread, failed ? 1 : 0)
        if described == LUA_OK {
            let stack = LuaStack(state)
            message = stack.text(at: -3) ?? message
            location = stack.text(at: -2)
            traceback = stack.text(at: -1)
            lua_settop(state, -4)
        } else {
            lua_settop(state, -2)
        }
        if let (prefix, rest) = splitLocation(message) {
            location = prefix
            message = rest
        }
        let code: RuleFailure.Code
        if stoppedForMemory {
            code = .memoryLimit
            message = "stopped: the rule uses more than its memory limit of \(host.configuration.memoryLimit / 1024) KiB"
        } else if stoppedForTime {
            code = .timeLimit
            message = "stopped: the run computed for more than \(Self.milliseconds(host.configuration.computeLimit)) ms without waiting"
        } else if !failed {
            code = .badYield
            message = "a handler may wait only through sleep, call or ussd (coroutine.yield outside a coroutine of its own)"
        } else if isLoading, let raised = registrationError, message == raised {
            code = .registration
        } else {
            code = .runtime
        }
        return RuleFailure(code: code, rule: name, location: location, message: message, traceback: traceback)
    }

    /// The `SOURCE:LINE` prefix Lua puts before a message raised in this rule's file, and the rest.
    func splitLocation(_ message: String) -> (String, String)? {
        let source = Self.shortSource(file)
        guard message.hasPrefix(source + ":") else { return nil }
        let afterSource = message.dropFirst(source.count + 1)
        let digits = afterSource.prefix { $0.isASCII && $0.isNumber }
        let rest = afterSource.dropFirst(digits.count)
        guard !digits.isEmpty, rest.hasPrefix(": ") else { return nil }
        return (source + ":" + digits, String(rest.dropFirst(2)))
    }

    /// How Lua shows a chunk named `@file` in messages: whole, or its end after `...` when long.
    static func shortSource(_ file: String) -> String {
        let room = Int(LUA_IDSIZE) - 1
        let bytes = Array(file.utf8)
        guard bytes.count > room else { return file }
        return "..." + String(decoding: bytes.suffix(room - 3), as: UTF8.self)
    }

    // MARK: - Data

    /// The global `data` as it must be stored.
    func data() throws(RuleFailure) -> LuaValue {
        do throws(LuaStatusError) {
            try LuaStatusError.check(luashim_push_data(state), state)
        } catch {
            throw RuleFailure(code: .badData, rule: name, location: nil, message: "data cannot be read: \(error)")
        }
        defer { lua_settop(state, -2) }
        let stack = LuaStack(state)
        switch stack.type(at: -1) {
        case LUA_TNIL:
            return .nil
        case LUA_TTABLE:
            do throws(LuaStack.Unstorable) {
                return try stack.value(at: -1, storable: true, path: "data")
            } catch {
                throw RuleFailure(code: .badData, rule: name, location: nil, message: "\(error.path): \(error.reason)")
            }
        default:
            let kind = String(cString: lua_typename(state, stack.type(at: -1)))
            throw RuleFailure(code: .badData, rule: name, location: nil, message: "data must be a table, not a \(kind)")
        }
    }

    // MARK: - Units

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        guard seconds < Int64.max / 1_000_000_000 - 1 else { return Int64.max / 2 }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    static func milliseconds(_ duration: Duration) -> Int64 { nanoseconds(duration) / 1_000_000 }
}

extension Optional where Wrapped == String {
    /// Calls `body` with a C string, or with NULL for nil.
    fileprivate func withOptionalCString<Result>(_ body: (UnsafePointer<CChar>?) -> Result) -> Result {
        switch self {
        case .some(let text): text.withCString { body($0) }
        case .none: body(nil)
        }
    }
}
