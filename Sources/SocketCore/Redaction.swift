/// Passwords kept out of logs: what a command body, or a reply that echoes one, may show of itself.
///
/// A body that begins with PASSWORD or RENEWINTERVAL (any case, spaces anywhere, as the parser reads it:
/// §2.16) shows that keyword and hides every other character, malformed forms included (`PASSWORD=12ab`,
/// `PASSWORD 12abc`, `PASSWORDX=12abc`): only `?` and `=NO` stay readable. The access password prefix is
/// not in a body; ``SocketCore`` masks it (``Verdict/command``).
public enum Redaction {
    /// The mask of one hidden character.
    public static let mask: Character = "*"

    /// `body` as a log may show it (§2.14, §2.15).
    public static func command<S: StringProtocol>(_ body: S) -> String {
        // The leading letters, spaces skipped, as the parser reads a keyword.
        var name = ""
        for scalar in body.unicodeScalars where scalar != " " {
            guard scalar.isASCIILetter, name.count < 13 else { break }
            name.unicodeScalars.append(scalar)
        }
        let keyword: Int
        switch name.uppercased() {
        case let n where n.hasPrefix("RENEWINTERVAL"): keyword = 13
        case let n where n.hasPrefix("PASSWORD"): keyword = 8
        default: return String(body)
        }
        let rest = body.drop(nonSpace: keyword)
        let compact = String(rest.filter { $0 != " " }).uppercased()
        if compact.isEmpty || compact == "?" || compact == "=NO" || compact == "PW=NO" { return String(body) }
        // RENEWINTERVALPW= keeps its `PW=`; a renew password that merely begins with PW is hidden whole.
        let visible = keyword == 13 && compact.hasPrefix("PW=") ? 3 : compact.hasPrefix("=") ? 1 : 0
        let hidden = rest.drop(nonSpace: visible)
        return String(body[..<hidden.startIndex]) + String(hidden.map { $0 == " " ? " " : mask })
    }

    /// The stored passwords, for whatever shows message texts outside the core (the modem's AT trace).
    public struct Passwords: Sendable, Equatable {
        /// The access password every SMS command begins with (§2.14); nil when none is set.
        public var access: String?
        /// RENEWINTERVALPW's password (§2.15).
        public var renew: String?

        public init(access: String? = nil, renew: String? = nil) {
            self.access = access
            self.renew = renew
        }

        /// Each password that is set.
        public var all: [String] { [access, renew].compactMap { $0 } }
    }

    /// An incoming SMS `body` (trimmed as the pipeline trims it) as a log may show it, or nil when it cannot be
    /// shown: with an access password set, only a body that begins with it is shown (the password masked), since
    /// any other may hold a mistyped password anywhere. Every stored password is masked wherever it stands, and
    /// PASSWORD and RENEWINTERVAL commands as ``command(_:)`` masks them.
    public static func incoming<S: StringProtocol>(_ body: S, _ passwords: Passwords) -> String? {
        let shown: String
        if let password = passwords.access {
            guard body.hasPrefix(password) else { return nil }
            shown = String(repeating: mask, count: password.count) + command(body.dropFirst(password.count))
        } else {
            shown = command(body)
        }
        return hiding(passwords.all, in: shown)
    }

    /// `text` with every occurrence of each secret (the stored access and renew passwords) masked, wherever it
    /// stands: a password typed twice, or inside a command a reply echoes.
    public static func hiding(_ secrets: [String], in text: String) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = result.replacing(secret, with: String(repeating: mask, count: secret.count))
        }
        return result
    }

    /// An outgoing text with the command its reply echoes masked: `<command> - Error!` and
    /// `<command> - Time for configuration is expired (30min)!` repeat the body they answer (§2.7 steps 4
    /// and 5). Every other reply is the device's own text, which never holds a password.
    public static func reply(_ text: String) -> String {
        for suffix in [ReplyText.unknownCommand(""), ReplyText.windowExpired("")] where text.hasSuffix(suffix) {
            return command(text.dropLast(suffix.count)) + suffix
        }
        return text
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) }
}

extension StringProtocol {
    /// What follows the first `count` characters that are not spaces.
    fileprivate func drop(nonSpace count: Int) -> SubSequence {
        var seen = 0
        var index = startIndex
        while seen < count, index < endIndex {
            if self[index] != " " { seen += 1 }
            index = self.index(after: index)
        }
        return self[index...]
    }
}
