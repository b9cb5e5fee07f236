import Foundation

// `GROVE_FUZZ_TARGET=<name> GroveFormatsFuzz [libFuzzer flags] [CORPUS_DIR ...]`.
// Built with `-DGROVE_LIBFUZZER` and coverage instrumentation (scripts/fuzz), libFuzzer's
// driver runs the target; in a plain build it replays the given files and directories,
// so the package still builds and links without libFuzzer.
let environment = ProcessInfo.processInfo.environment
guard let name = environment["GROVE_FUZZ_TARGET"], let check = FormatChecks.check(named: name) else {
    FileHandle.standardError.write(Data("GROVE_FUZZ_TARGET must be one of: \(FormatChecks.targets.map(\.name).joined(separator: ", "))\n".utf8))
    exit(2)
}
let selected = check

#if GROVE_LIBFUZZER
// libFuzzer without its own main (libclang_rt.fuzzer_no_main): Swift owns `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    selected(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
})
#else
var files: [String] = []
for path in CommandLine.arguments.dropFirst() where !path.hasPrefix("-") {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
    if isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        files += names.sorted().map { path + "/" + $0 }
    } else {
        files.append(path)
    }
}
for file in files {
    guard let data = FileManager.default.contents(atPath: file) else { continue }
    selected(Array(data))
}
print("\(name): \(files.count) inputs replayed")
#endif
