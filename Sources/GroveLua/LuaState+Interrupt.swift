import CLuaShim

/// Ctrl-C: while armed, SIGINT makes the running Lua code raise "interrupted!"
/// at its next instruction (as lua.c does), so the shell survives a runaway loop.
extension LuaState {
    public func armInterrupt() { grove_interrupt_arm(L) }

    public func disarmInterrupt() { grove_interrupt_disarm() }

    /// Whether SIGINT arrived since the last call (e.g. while reading a line); clears it.
    public static func takeInterrupt() -> Bool { grove_interrupt_take() != 0 }
}
