import PluginKit
import Synchronization

/// The GPIO lines the roles of one board have taken so far, so that two roles never name the same line:
/// the kernel would give it to the first and refuse the second only when the controller starts.
final class GPIOLineClaims: Sendable {
    private struct Claim {
        var chip: String?
        var line: LineSelector
        var table: String
        var tableLine: Int?
    }

    private let claims = Mutex<[Claim]>([])

    /// Takes `line` (on `chip`, if given) for the role of `settings`.
    ///
    /// - Throws: a ``ConfigError`` on `line` when another role has it: the same name (on the same chip, or
    ///   with either chip left out), or the same offset on the same chip.
    func claim(chip: String?, line: LineSelector, settings: PluginSettings) throws(ConfigError) {
        let taken = claims.withLock { claims -> Claim? in
            if let other = claims.first(where: { Self.same($0, chip: chip, line: line) }) { return other }
            claims.append(Claim(chip: chip, line: line, table: settings.table, tableLine: settings.line))
            return nil
        }
        guard let taken else { return }
        let what = switch line {
        case .name(let name): "\"\(name)\""
        case .offset(let offset): "offset \(offset) on \(chip ?? "")"
        }
        let place = " (" + settings.file + (taken.tableLine.map { ":\($0)" } ?? "") + ")"
        throw settings.error("line", "\(what) is already taken by [\(taken.table)]\(place); each role needs a GPIO line of its own")
    }

    private static func same(_ claim: Claim, chip: String?, line: LineSelector) -> Bool {
        guard claim.line == line else { return false }
        switch line {
        case .name: return claim.chip == nil || chip == nil || claim.chip == chip
        case .offset: return claim.chip == chip
        }
    }
}
