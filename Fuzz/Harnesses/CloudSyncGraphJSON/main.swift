// libFuzzer harness for FuzzEntry.cloudSyncGraphJSON (Sources/PreflightCore/Support/FuzzEntry.swift and each layer's FuzzEntry+*.swift); built and run by scripts/fuzz.sh.
import CLibFuzzer
import Foundation
import PreflightKit

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.cloudSyncGraphJSON(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
