// SwiftPM links an executable target's entry point as `<Target>_main` (renamed for testability), and with
// -parse-as-library there is none; libFuzzer's own `main` is not used either. This entry point hands
// control to libFuzzer's driver with our callback, which is what libFuzzer's `main` would do.
// swift-format-ignore: AlwaysUseLowerCamelCase
// libFuzzer's C symbol, named as libFuzzer's documentation names it.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzStateSnapshot_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector, { data, size in fuzz(data, size) })
}
