import SocketCore
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// The PIN entry the port made and the SIM did not (or not yet) confirm, so that a PIN the SIM refused is
/// never entered again: three wrong PINs lock a SIM until its PUK is entered in a phone.
///
/// Kept in memory for this process and, with a ``path``, in a file across restarts: a daemon that crashes
/// at each start and is restarted by systemd (`Restart=on-failure`) would otherwise enter the same wrong PIN
/// at every start. The file is written (and synced) before the PIN goes out, as "unanswered", then marked
/// "refused" when the SIM says no, and removed once the SIM is ready. A PIN whose answer was lost (a crash,
/// a timeout) is therefore not entered again either until the SIM shows itself ready; a different configured
/// PIN (the owner corrected it) is tried, once.
///
/// The file (mode 0600) holds a salted FNV-1a hash of the PIN, not the PIN. Four to eight digits are found
/// from such a hash by trying them all, so the file is no more secret than the configuration file, which
/// holds the PIN itself; the hash only keeps the digits out of a casual look. A file that cannot be read
/// blocks every PIN: when in doubt, the SIM is not risked.
struct PINAttemptRecord: Sendable {
    enum Outcome: String, Sendable {
        /// Written before the PIN went out; stays so when no answer came.
        case unanswered
        /// The SIM answered with an error, or still asked for its PIN.
        case refused
    }

    struct Entry: Equatable, Sendable {
        var salt: UInt64
        var hash: UInt64
        var outcome: Outcome
        /// Seconds since 1970, when the PIN was entered.
        var at: Int64
    }

    /// Where the record is kept across restarts (the state folder's `sim-pin-attempt`); nil: in memory only.
    let path: String?
    /// The entry, or nil when no PIN waits for the SIM's word.
    private(set) var entry: Entry?
    /// The file exists and cannot be read: every PIN is blocked until a person removes it.
    private(set) var unreadable = false

    static let fileName = "sim-pin-attempt"

    init(path: String?) {
        self.path = path
        guard let path, let text = Self.read(path) else { return }
        if let entry = Self.parse(text) {
            self.entry = entry
        } else {
            unreadable = true
        }
    }

    /// Why `pin` must not be entered, or nil when it may.
    func blocking(_ pin: String) -> String? {
        if unreadable, let path { return "the record of an earlier PIN entry, \(path), cannot be read; delete it once the SIM is known to be unlocked" }
        guard let entry, Self.hash(pin, salt: entry.salt) == entry.hash else { return nil }
        let when = Instant(seconds: entry.at)
        let what = entry.outcome == .refused ? "the SIM refused it at \(when)" : "it was entered at \(when) and its answer was lost"
        return what + (path.map { "; recorded in \($0)" } ?? "")
    }

    /// Records that `pin` is about to be entered. - Throws: ``SystemCallError`` when the file cannot be written.
    mutating func attempting(_ pin: String) throws(SystemCallError) {
        let salt = UInt64.random(in: 1...UInt64.max)
        let entry = Entry(salt: salt, hash: Self.hash(pin, salt: salt), outcome: .unanswered, at: Int64(time(nil)))
        try save(entry)
        self.entry = entry
        unreadable = false
    }

    /// The SIM refused the PIN just entered.
    mutating func refused() {
        guard var entry else { return }
        entry.outcome = .refused
        self.entry = entry
        // Unwritten, the file still says "unanswered", which blocks the same PIN just as well.
        try? save(entry)
    }

    /// The SIM is ready: nothing to remember.
    mutating func clear() {
        entry = nil
        unreadable = false
        if let path { unlink(path) }
    }

    // MARK: - The file

    private func save(_ entry: Entry) throws(SystemCallError) {
        guard let path else { return }
        let text = """
            # SMSocket: a SIM PIN entry the SIM refused or did not answer. That PIN is not entered again; delete this
            # file only once the SIM is unlocked (a third wrong PIN locks it).
            outcome=\(entry.outcome.rawValue)
            at=\(entry.at)
            salt=\(String(entry.salt, radix: 16))
            hash=\(String(entry.hash, radix: 16))

            """
        let temporary = path + ".new"
        let fd = try valueOrErrno("open \(temporary)") { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }.get()
        writeAll(Array(text.utf8), to: fd)
        let synced = valueOrErrno("fsync \(temporary)") { fsync(fd) }
        close(fd)
        _ = try synced.get()
        _ = try valueOrErrno("rename \(temporary)") { rename(temporary, path) }.get()
    }

    /// The file's text (at most 4 KiB), or nil when there is none.
    private static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return errno == ENOENT ? nil : "" }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = fread(&buffer, 1, buffer.count, file)
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    static func parse(_ text: String) -> Entry? {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let outcome = fields["outcome"].flatMap(Outcome.init(rawValue:)), let at = fields["at"].flatMap({ Int64($0) }),
            let salt = fields["salt"].flatMap({ UInt64($0, radix: 16) }), let hash = fields["hash"].flatMap({ UInt64($0, radix: 16) })
        else { return nil }
        return Entry(salt: salt, hash: hash, outcome: outcome, at: at)
    }

    /// FNV-1a over the salt's eight octets and the PIN's digits.
    static func hash(_ pin: String, salt: UInt64) -> UInt64 {
        fnv1a((0..<8).map { UInt8(truncatingIfNeeded: salt >> ($0 * 8)) } + Array(pin.utf8))
    }
}
