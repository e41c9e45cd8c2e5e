import Foundation
import FuzzTargets
import Testing

/// Every input committed under Fuzz/ through its fuzz target, as scripts/fuzz runs them but without the
/// sanitizer, so that the normal test run covers them: the inputs that once crashed a target
/// (Fuzz/Regressions/<target>/, each fixed at its root) and the corpus (Fuzz/Corpus/<target>/) break no
/// invariant and do not trap.
@Suite("Fuzz regressions and corpora")
struct FuzzRegressionTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// The files of `kind` (Corpus or Regressions) for `target`, by name.
    static func inputs(_ kind: String, _ target: FuzzTarget) -> [URL] {
        let folder = fuzz.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test("every regression and corpus input", arguments: FuzzTarget.allCases)
    func committedInputs(_ target: FuzzTarget) throws {
        let corpus = Self.inputs("Corpus", target)
        #expect(corpus.count >= 10, "the corpus of \(target.rawValue) is missing")
        for file in Self.inputs("Regressions", target) + corpus {
            let problems = target.run(Array(try Data(contentsOf: file)))
            #expect(problems.isEmpty, "\(file.path): \(problems)")
        }
    }
}
