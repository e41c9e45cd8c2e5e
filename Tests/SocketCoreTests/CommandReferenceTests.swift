import TestSupport
import Testing

@testable import SocketCore

/// docs/commands.md, the user's command reference, read from the source tree by path: it documents every
/// keyword the parser knows, and each of its reference rows states the type and Light availability the
/// code gives that command.
@Suite("The command reference (docs/commands.md)")
struct CommandReferenceTests {
    static let path: String = {
        // This file, its test folder, Tests/: what is left is the package root.
        var root = Substring(#filePath)
        for _ in 0..<3 { root = root[..<root.lastIndex(of: "/")!] }
        return root + "/docs/commands.md"
    }()

    static let text = readTextFile(path)

    /// The header of the reference tables: one row per command form.
    static let referenceHeader = "| Command | Reply | Type | Values, default | Light |"

    /// The text of every inline code span, fenced blocks left out.
    static func codeSpans(_ markdown: String) -> [String] {
        var inFence = false
        var prose: [Substring] = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inFence.toggle()
            } else if !inFence {
                prose.append(line)
            }
        }
        let pieces = prose.joined(separator: "\n").split(separator: "`", omittingEmptySubsequences: false)
        return pieces.indices.filter { $0 % 2 == 1 }.map { String(pieces[$0]) }
    }

    /// The command word of a code span as the parser reads it: its leading run of letters.
    static func commandWord(_ span: String) -> String {
        String(decoding: span.utf8.prefix(while: CommandParser.isLetter), as: UTF8.self)
    }

    /// The cells of each row of the reference tables.
    static var referenceRows: [[String]] {
        var rows: [[String]] = []
        var inReference = false
        for line in text.split(separator: "\n") {
            guard line.hasPrefix("|") else {
                inReference = false
                continue
            }
            if line == referenceHeader {
                inReference = true
            } else if inReference, !line.hasPrefix("|---") {
                rows.append(line.split(separator: "|").map { String(SocketCore.trimmed(String($0))) })
            }
        }
        return rows
    }

    static let documentedWords = Set(codeSpans(text).map(commandWord))

    @Test("the reference documents the keyword as a command word in a code span",
          arguments: CommandParser.keywords.keys.sorted())
    func keywordIsDocumented(_ keyword: String) {
        let documented = Self.documentedWords.contains(keyword)
        #expect(documented, "no code span of \(Self.path) starts with the command \(keyword)")
    }

    @Test("the reference has one row per command form of spec §3")
    func oneRowPerForm() {
        #expect(Self.referenceRows.count == 101)
    }

    @Test("each row's example parses, and its type and Light column are the code's")
    func rowsMatchTheCode() throws {
        for row in Self.referenceRows {
            try #require(row.count == 5, "a reference row needs 5 cells: \(row)")
            // The form's last code span is a literal example (`ON<n>`, e.g. `ON5`).
            let example = try #require(Self.codeSpans(row[0]).last, "no command in \(row[0])")
            guard case .command(let command, let keyword) = CommandParser.parse(example) else {
                Issue.record("the example \(example) does not parse as a command")
                continue
            }
            let type: String
            switch command.commandClass {
            case .control: type = "Ctrl"
            case .configuration: type = "30min"
            case .information: type = "Inf"
            }
            let always = command.alwaysAnswers && command.commandClass != .information
            #expect(row[2] == type + (always ? ", always" : ""), "type of \(example)")
            #expect(row[4].hasPrefix(keyword.availableOnLight ? "yes" : "no"), "Light column of \(example)")
        }
    }
}
