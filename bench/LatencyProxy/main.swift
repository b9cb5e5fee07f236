import FaultProxy
import Foundation

// bench/remote's network: a proxy on 127.0.0.1 adding LATENCY_MS each way in front of
// UPSTREAM. Prints its URL on one line, then serves until killed.
//   latency-proxy UPSTREAM LATENCY_MS
let arguments = CommandLine.arguments
guard arguments.count == 3, let milliseconds = Double(arguments[2]), milliseconds >= 0 else {
    FileHandle.standardError.write(Data("usage: latency-proxy UPSTREAM LATENCY_MS\n".utf8))
    exit(2)
}
let proxy = try FaultProxy(upstream: arguments[1], latency: milliseconds / 1000) { _, _, _ in .pass }
FileHandle.standardOutput.write(Data((proxy.url + "\n").utf8))
while true { sleep(3600) }
