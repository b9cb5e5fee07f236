import ArgumentParser
import Foundation
import GroveCore

/// `grove admin ...`: administration of the embedded store.
struct Admin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Administer the embedded store.",
        subcommands: [AdminToken.self]
    )
}

/// `grove admin token`: a personal access token for a user, printed once.
struct AdminToken: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create a personal access token for a user and print it (only its digest is stored)."
    )

    @Option(help: ArgumentHelp("SQLite file of the embedded store.", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("The user the token authenticates as.", valueName: "username"))
    var user = "root"

    @Option(help: ArgumentHelp("Comma-separated scopes: api, read_api, read_user, sudo (an administrator's token acting as another user) ...", valueName: "scopes"))
    var scopes = "api"

    @Option(help: ArgumentHelp("Name of the token.", valueName: "name"))
    var name = "grove admin token"

    @Option(name: .customLong("expires-at"), help: ArgumentHelp("Expiry date YYYY-MM-DD.", valueName: "date"))
    var expiresAt: String?

    @Flag(help: "Print the token's JSON (with the token) instead of the bare token.")
    var json = false

    func run() throws {
        let location = db.map(StoreLocation.file) ?? .file(StoreLocation.defaultPath())
        do {
            let store = try ScriptHost.open(location, registry: .standard())
            let scopeList = scopes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let created = try store.createPersonalAccessToken(username: user, name: name, scopes: scopeList, expiresAt: expiresAt)
            print(json ? JSONText.encode(created.json) : created.token)
        } catch let error as APIError {
            FileHandle.standardError.write(Data("grove admin token: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
