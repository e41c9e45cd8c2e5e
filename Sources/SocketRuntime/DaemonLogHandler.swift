import Logging
import SocketCore
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// The log of `smsocket run` on standard error, in the form its reader wants.
///
/// Under systemd (``Style/journal``) each line starts with its syslog priority in angle brackets and carries
/// no time stamp, since the journal stamps every line itself (sd-daemon(3)): `journalctl -p err` then finds
/// the errors. Anywhere else (a terminal, a file, a pipe: ``Style/human``) a line starts with the UTC time to
/// the millisecond and the level's name. One record per line in both: a message of several lines gives
/// several lines each prefixed alike (journal) or indented (human), so no line stands without its priority;
/// control characters other than tab are shown as `\xNN`. Metadata follows the message as `key=value`.
public struct DaemonLogHandler: LogHandler {
    public enum Style: Sendable, Equatable {
        /// `<5>SMSocket stopped`
        case journal
        /// `2026-01-05T08:00:00.250Z notice SMSocket stopped`
        case human
    }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let style: Style
    private let now: @Sendable () -> Instant
    private let write: @Sendable (String) -> Void

    /// A handler writing to `descriptor` (standard error), in the style ``style(journalStream:descriptor:)``
    /// finds for it.
    public init(descriptor: Int32 = 2, journalStream: String? = getenv("JOURNAL_STREAM").map { String(cString: $0) }) {
        self.init(
            style: Self.style(journalStream: journalStream, descriptor: descriptor), now: { SystemClock().now },
            write: { writeAll(Array($0.utf8), to: descriptor) })
    }

    /// A handler that gives each record, as one string of whole lines, to `write`; `now` stamps human lines.
    public init(style: Style, now: @escaping @Sendable () -> Instant, write: @escaping @Sendable (String) -> Void) {
        self.style = style
        self.now = now
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let given = event.metadata { all.merge(given) { _, new in new } }
        write(Self.record(event.message.description, level: event.level, metadata: all, style: style, at: now()))
    }

    /// The bytes of one record: every line of `message` (metadata after the last), each ending in `\n`.
    public static func record(_ message: String, level: Logger.Level, metadata: Logger.Metadata = [:], style: Style, at time: Instant) -> String {
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(escapingControls)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(escapingControls($0.key))=\(shown($0.value.description))" }
            lines[lines.count - 1] += (lines[lines.count - 1].isEmpty ? "" : " ") + pairs.joined(separator: " ")
        }
        switch style {
        case .journal:
            let prefix = "<\(priority(of: level))>"
            return lines.map { prefix + $0 + "\n" }.joined()
        case .human:
            let head = "\(timestamp(time)) \(level.rawValue) "
            let indent = String(repeating: " ", count: head.count)
            return head + lines[0] + "\n" + lines.dropFirst().map { indent + $0 + "\n" }.joined()
        }
    }

    /// The syslog priority of `level` (RFC 5424): trace and debug 7, info 6, notice 5, warning 4, error 3,
    /// critical 2.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// ``Style/journal`` when `journalStream` (the `JOURNAL_STREAM` variable, `<device>:<inode>` in decimal)
    /// names the very file open as `descriptor`: systemd sets it for the service's own standard error, and a
    /// program started from the service with its output redirected elsewhere inherits a variable that no longer
    /// names its stream (systemd.exec(5)). ``Style/human`` otherwise, and when `descriptor` cannot be examined.
    public static func style(journalStream: String?, descriptor: Int32) -> Style {
        guard let journalStream else { return .human }
        let parts = journalStream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]),
            case .success(let identity) = fileIdentity(descriptor: descriptor)
        else { return .human }
        return identity.device == device && identity.inode == inode ? .journal : .human
    }

    /// `2026-01-05T08:00:00.250Z`.
    static func timestamp(_ time: Instant) -> String {
        let milliseconds = String(Int(time.milliseconds - time.seconds * 1000) + 1000).dropFirst()
        return String(time.description.dropLast()) + "." + milliseconds + "Z"
    }

    /// A metadata value as written: bare when it is one plain word, else as a JSON string.
    private static func shown(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && $0 != "\"" && $0 != "\\" }
        return plain ? value : jsonStringLiteral(value)
    }

    /// `text` with every control character but tab as `\xNN`, so that no byte of a message can start a line or
    /// move the cursor.
    private static func escapingControls<S: StringProtocol>(_ text: S) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\x" + (hex.count < 2 ? "0" : "") + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
