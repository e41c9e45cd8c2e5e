#if canImport(Glibc)
    import Glibc
#endif

/// Why a GPIO operation failed, with the chip, line or call it concerns.
///
/// Compared by ``code`` only; ``description`` prints the whole message, e.g.
/// `no GPIO chip labelled 'pinctrl-bcm2711' (found: gpiochip0 'pinctrl-bcm2835')`.
public struct GPIOError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What went wrong, independent of the chip or line.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum _Code: String, Sendable {
            case noChips, chipNotFound, lineNotFound, lineBusy, notConfigured, syscall
        }
        fileprivate let code: _Code

        /// No `/dev/gpiochip*` at all.
        public static let noChips = Code(code: .noChips)
        /// No chip has the label asked for.
        public static let chipNotFound = Code(code: .chipNotFound)
        /// No line has the name (or offset) asked for.
        public static let lineNotFound = Code(code: .lineNotFound)
        /// Another consumer (or the kernel) holds the line.
        public static let lineBusy = Code(code: .lineBusy)
        /// The configuration does not say enough, e.g. a line offset without a chip label on a board with several chips.
        public static let notConfigured = Code(code: .notConfigured)
        /// A system call failed; see ``GPIOError/errno``.
        public static let syscall = Code(code: .syscall)

        public var description: String { code.rawValue }
    }

    public let code: Code
    /// The whole message.
    public let message: String
    /// The C `errno`, for ``Code/syscall`` errors.
    public let errno: Int32?
    /// Where the error was made.
    public let fileID: String
    public let line: Int

    init(_ code: Code, _ message: String, errno: Int32? = nil, fileID: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.errno = errno
        self.fileID = fileID
        self.line = line
    }

    public var description: String { message }

    public static func == (a: GPIOError, b: GPIOError) -> Bool { a.code == b.code }

    // MARK: Factories

    static func noChips(directory: String, fileID: String = #fileID, line: Int = #line) -> GPIOError {
        GPIOError(.noChips, "no GPIO chips (no gpiochip* in \(directory))", fileID: fileID, line: line)
    }

    static func chipNotFound(label: String, found: [ChipInfo], fileID: String = #fileID, line: Int = #line) -> GPIOError {
        let list = found.isEmpty ? "none" : found.map { "\($0.name) '\($0.label)'" }.joined(separator: ", ")
        return GPIOError(.chipNotFound, "no GPIO chip labelled '\(label)' (found: \(list))", fileID: fileID, line: line)
    }

    static func lineNotFound(name: String, chips: [ChipInfo], fileID: String = #fileID, line: Int = #line) -> GPIOError {
        let list = chips.map(\.name).joined(separator: ", ")
        return GPIOError(.lineNotFound, "no line named \(name) on \(list)", fileID: fileID, line: line)
    }

    static func offsetOutOfRange(_ offset: UInt32, chip: ChipInfo, fileID: String = #fileID, line: Int = #line) -> GPIOError {
        GPIOError(
            .lineNotFound, "no line \(offset) on \(chip.name) (it has \(chip.lines) lines)", fileID: fileID, line: line)
    }

    static func lineBusy(_ what: String, consumer: String, fileID: String = #fileID, line: Int = #line) -> GPIOError {
        let by = consumer.isEmpty ? "an unnamed consumer" : "'\(consumer)'"
        return GPIOError(.lineBusy, "line \(what) is busy (used by \(by))", fileID: fileID, line: line)
    }

    /// A failed system call: `open /dev/gpiochip0: Permission denied (errno 13)`.
    static func syscall(_ call: String, _ context: String, errno: Int32, fileID: String = #fileID, line: Int = #line)
        -> GPIOError
    {
        let text = strerror(errno).map { String(cString: $0) } ?? "error"
        return GPIOError(.syscall, "\(call) \(context): \(text) (errno \(errno))", errno: errno, fileID: fileID, line: line)
    }
}
