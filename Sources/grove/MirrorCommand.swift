import ArgumentParser
import Foundation
import GroveCore
import GroveRemote

/// `grove mirror`: copies group subtrees of a GitLab into an embedded store, with their
/// original ids and paths, so that scripts can be rehearsed against the copy. What the
/// token cannot read is listed, not skipped in silence.
struct MirrorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Copy group subtrees of a GitLab into an embedded store, with their ids.",
        discussion: """
            Mirrors each --group with every group below it: attributes, hierarchy, ids and
            paths; the members (as users and memberships); shares; group protected branches;
            push rules; hooks (their secrets are unreadable and marked unknown); LDAP and
            SAML links; the groups' own projects with their secret push protection; the
            service accounts of top-level groups with their tokens' metadata (not their
            values); the instance settings an administrator can read. The token's own user is
            mirrored too. The groups
            above a --group are mirrored without their contents. A second run updates what
            changed and removes what is gone.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("Full path of a group to mirror with its subtree (repeatable).", valueName: "path"))
    var group: [String] = []

    @Option(help: ArgumentHelp("SQLite file of the embedded store to write.", valueName: "path"))
    var db: String

    func validate() throws {
        if group.isEmpty { throw ValidationError("name at least one --group") }
        if connection.url == nil && connection.gitlab == nil { throw ValidationError("--url or --gitlab names the GitLab to mirror") }
    }

    func run() throws {
        let configuration = try connection.resolvedRemote(for: "mirror")
        var log: (@Sendable (String) -> Void)?
        if connection.verbose { log = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) } }
        let client = try RemoteClient(configuration, log: log)
        var reader = MirrorReader(client: client)
        reader.progress = MirrorProgress.onTerminal()
        do {
            let snapshot = try reader.read(roots: group)
            let store = try GroveStore.open(path: db)
            let outcome = try MirrorWriter(snapshot).write(into: store)
            print("mirrored \(snapshot.groups.count) groups, \(snapshot.users.count) users into \(db)"
                  + (outcome.removed.isEmpty ? "" : "; removed \(outcome.removed.joined(separator: ", "))"))
            let unreadable = snapshot.unreadable + outcome.unreadable
            if !unreadable.isEmpty {
                print("not readable with this token:")
                for line in unreadable { print("  " + line) }
            }
        } catch let error as APIError {
            FileHandle.standardError.write(Data("grove mirror: \(error)\n".utf8))
            throw ExitCode.failure
        } catch let error as RemoteFailure {
            FileHandle.standardError.write(Data("grove mirror: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
