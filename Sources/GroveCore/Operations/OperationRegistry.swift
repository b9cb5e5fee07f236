import GRDB

/// One registered operation: its description and the adapter that runs it.
public struct Operation: Sendable {
    public let descriptor: OperationDescriptor
    let run: @Sendable (OperationContext, Params) throws -> OperationResult
}

/// A set of operations that registers itself (groups, projects, users, ...). Part 2's
/// features add their own module and are listed in `OperationRegistry.builtInModules`.
protocol OperationModule {
    static func register(into registry: OperationRegistry)
}

/// The table of operations by name. Front ends enumerate it for help, routes and OpenAPI.
public final class OperationRegistry: @unchecked Sendable {
    private var byName: [String: Operation] = [:]
    public private(set) var names: [String] = []
    /// What each Lua module is about, for `help()`: said by the operation module that
    /// fills it, next to its operations.
    public private(set) var moduleSummaries: [String: String] = [:]

    public init() {}

    static var builtInModules: [any OperationModule.Type] { [
        GroupOperations.self, GroupDeletionOperations.self, GroupTransferOperations.self, GroupSharingOperations.self,
        GroupProjectOperations.self, GroupUserOperations.self, GroupCustomAttributeOperations.self,
        ProjectOperations.self, UserOperations.self, MemberOperations.self, InstanceOperations.self,
        ProtectedBranchOperations.self, PushRuleOperations.self, IntegrationSettingsOperations.self, ServiceAccountOperations.self,
        SecuritySettingsOperations.self, GroupHookOperations.self, LDAPGroupLinkOperations.self, SAMLGroupLinkOperations.self, NamespaceOperations.self,
    ] }

    /// Every built-in operation.
    public static func standard() -> OperationRegistry {
        let registry = OperationRegistry()
        for module in builtInModules { module.register(into: registry) }
        return registry
    }

    func add(_ descriptor: OperationDescriptor, _ run: @escaping @Sendable (OperationContext, Params) throws -> OperationResult) {
        precondition(byName[descriptor.name] == nil, "operation \(descriptor.name) registered twice")
        byName[descriptor.name] = Operation(descriptor: descriptor, run: run)
        names.append(descriptor.name)
    }

    func describe(module: String, _ summary: String) { moduleSummaries[module] = summary }

    public subscript(name: String) -> Operation? { byName[name] }

    public var descriptors: [OperationDescriptor] { names.compactMap { byName[$0]?.descriptor } }
}
