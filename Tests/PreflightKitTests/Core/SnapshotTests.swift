import Foundation
import PreflightTestSupport
import Testing

/// The snapshot helper itself: it fails while recording, and a mismatch fails with a line diff.
@Suite("Snapshot helper")
struct SnapshotTests {
    let folder = try! TemporaryFolder("snapshots")

    func comments(_ issue: Issue) -> String { issue.comments.map(\.rawValue).joined(separator: "\n") }

    @Test func aMissingSnapshotIsRecordedAndTheTestFails() throws {
        withKnownIssue {
            assertSnapshot("one\ntwo\n", named: "new.txt", in: folder.path, record: false)
        } matching: { issue in
            comments(issue).contains("Recorded the snapshot new.txt (it did not exist)")
        }
        #expect(try folder.read("new.txt") == "one\ntwo\n")
        // Recorded, it now matches: no issue.
        #expect(assertSnapshot("one\ntwo\n", named: "new.txt", in: folder.path, record: false) == .matched)
    }

    @Test func recordingRewritesAnExistingSnapshotAndStillFails() throws {
        try folder.write("old.txt", "before\n")
        withKnownIssue {
            assertSnapshot("after\n", named: "old.txt", in: folder.path, record: true)
        } matching: { issue in
            comments(issue).contains("Recorded the snapshot old.txt (PREFLIGHT_RECORD_SNAPSHOTS=1)")
        }
        #expect(try folder.read("old.txt") == "after\n")
        #expect(Snapshot.recording(in: ["PREFLIGHT_RECORD_SNAPSHOTS": "1"]) && !Snapshot.recording(in: [:]))
    }

    @Test func aMismatchFailsWithALineDiffAndKeepsTheSnapshot() throws {
        let lines = (1...12).map { "line \($0)" }
        try folder.write("report.md", lines.joined(separator: "\n") + "\n")
        var changed = lines
        changed[5] = "line six"
        changed.insert("inserted", at: 10)
        withKnownIssue {
            assertSnapshot(changed.joined(separator: "\n") + "\n", named: "report.md", in: folder.path, record: false)
        } matching: { issue in
            let text = comments(issue)
            return text.contains("report.md differs from its snapshot") && text.contains("PREFLIGHT_RECORD_SNAPSHOTS=1")
                && text.contains("-line 6\n+line six\n")
        }
        #expect(try folder.read("report.md") == lines.joined(separator: "\n") + "\n", "a mismatch records nothing")
    }

    @Test func theDiffIsUnifiedWithContextAndShowsInvisibleDifferences() {
        let old = Data("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n".utf8)
        let new = Data("a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk".utf8)
        #expect(
            Snapshot.lineDiff(from: old, to: new, names: ("snapshot x", "actual"))
                == """
                --- snapshot x
                +++ actual
                @@ -1,5 +1,5 @@
                 a
                -b
                +B
                 c
                 d
                 e
                @@ -8,3 +8,4 @@
                 h
                 i
                 j
                +k
                \\ No newline at end of file

                """)
        // CRLF against LF, and a byte order mark: shown, since the comparison is byte for byte.
        let crlf = Snapshot.lineDiff(from: Data("\u{FEFF}x,y\n".utf8), to: Data("x,y\r\n".utf8), names: ("s", "a"))
        #expect(crlf == "--- s\n+++ a\n@@ -1,1 +1,1 @@\n-\\u{FEFF}x,y\n+x,y\\r\n", "\(crlf)")
        #expect(Snapshot.lineDiff(from: old, to: old, names: ("s", "a")).isEmpty)
    }
}
