import PluginKit
import SocketCore
import SystemCalls

#if canImport(Glibc)
    import Glibc
#endif

/// The system's tz database (Debian's `tzdata`: one TZif file per zone under /usr/share/zoneinfo), read
/// into the core's ``ZoneRules``.
///
/// Why not Foundation's `TimeZone`: on Linux it answers from the tz data compiled into the Swift toolchain's
/// ICU (`TimeZone.timeZoneDataVersion`), not from /usr/share/zoneinfo, so a zone rule change that the
/// system's `tzdata` update brings (several a year) would reach the controller only with a new toolchain.
/// The files are RFC 8536's TZif format, read by ``TZif``; the tests check the result against `TimeZone`.
public struct ZoneDatabase: Sendable {
    public static let systemDirectory = "/usr/share/zoneinfo"

    /// The folder of zone files.
    public let directory: String

    public init(directory: String = ZoneDatabase.systemDirectory) {
        self.directory = directory
    }

    /// The rules of the zone `name` (`Europe/Helsinki`, `UTC`).
    ///
    /// - Throws: ``ZoneError``: a name that is no zone name, a zone the database lacks (or no database), a
    ///   file that cannot be read or is no TZif file, or a zone this controller cannot follow (leap seconds).
    public func rules(for name: String) throws(ZoneError) -> ZoneRules {
        guard Self.isZoneName(name) else { throw ZoneError(.invalidName, name, detail: "") }
        guard case .success(.directory) = fileKind(atPath: directory) else {
            throw ZoneError(.noDatabase, name, detail: directory)
        }
        let path = directory + "/" + name
        if case .failure(let error) = fileKind(atPath: path), error.errno == ENOENT || error.errno == ENOTDIR {
            throw ZoneError(.unknown, name, detail: directory)
        }
        let bytes: [UInt8]
        do throws(ConfigError) {
            bytes = try ConfigFile.contents(of: path, kind: "time zone file")
        } catch {
            throw ZoneError(.unreadable, name, detail: error.description)
        }
        do throws(TZif.FormatError) {
            return try TZif.rules(bytes, identifier: name)
        } catch {
            throw ZoneError(error.unsupported ? .unsupported : .malformed, name, detail: "\(path): \(error.message)")
        }
    }

    /// The database's release (`2025b`), from its `tzdata.zi`; nil where that file is missing or unlike one.
    public var version: String? {
        guard let bytes = try? ConfigFile.contents(of: directory + "/tzdata.zi", kind: "tz database source") else { return nil }
        let line = bytes.prefix { $0 != UInt8(ascii: "\n") }
        let prefix = Array("# version ".utf8)
        guard line.starts(with: prefix) else { return nil }
        let version = String(decoding: line.dropFirst(prefix.count), as: UTF8.self)
        return version.isEmpty || version.count > 20 ? nil : version
    }

    /// A relative path of zone-name characters (letters, digits, `_`, `-`, `+`, `.`), at most 255 bytes, no
    /// part empty or starting with a dot: nothing that leaves the database's folder.
    static func isZoneName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...255).contains(bytes.count) else { return false }
        return bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.first, first != UInt8(ascii: ".") else { return false }
            return part.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."): true
                default: false
                }
            }
        }
    }
}

/// Why a time zone could not be read: the zone's name, what is wrong, and what to do.
public struct ZoneError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidName, noDatabase, unknown, unreadable, malformed, unsupported
    }

    public let code: Code
    public let name: String
    public let detail: String

    public init(_ code: Code, _ name: String, detail: String) {
        self.code = code
        self.name = name
        self.detail = detail
    }

    /// The same problem with the same zone (the detail is for people).
    public static func == (a: ZoneError, b: ZoneError) -> Bool { a.code == b.code && a.name == b.name }

    public var description: String {
        switch code {
        case .invalidName:
            "\"\(name)\" is not a time zone name; expected an IANA name such as \"Europe/Helsinki\" or \"UTC\""
        case .noDatabase:
            "the system's tz database \(detail) is missing, so time zone \"\(name)\" cannot be read; install the tzdata package"
        case .unknown:
            "unknown time zone \"\(name)\": the system's tz database (\(detail)) has no such zone; names are like \"Europe/Helsinki\", \"America/New_York\", \"UTC\""
        case .unreadable:
            "time zone \"\(name)\" cannot be read: \(detail)"
        case .malformed:
            "time zone \"\(name)\" is damaged: \(detail); reinstall the tzdata package"
        case .unsupported:
            "time zone \"\(name)\" cannot be followed: \(detail)"
        }
    }
}
