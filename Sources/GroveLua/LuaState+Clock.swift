#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LuaState {
    /// `grove.clock()`: monotonic seconds with sub-millisecond steps (Lua has only
    /// os.time's whole seconds and os.clock's CPU time), for rates and timings.
    func installClock() throws {
        try register(
            LuaFunction(
                LuaFunctionInfo(name: "grove.clock", signature: "grove.clock()",
                    summary: "Monotonic time in seconds (a float), for measuring durations.")
            ) { _ in
                var now = timespec()
                clock_gettime(CLOCK_MONOTONIC, &now)
                return [.number(Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)]
            })
    }
}
