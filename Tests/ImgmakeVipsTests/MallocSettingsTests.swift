import Testing

@testable import ImgmakeVips

@Suite struct MallocSettingsTests {
    /// Once libvips has started, a block of tens of MiB (a decoded photo's worth) comes from glibc's heaps, not
    /// from a mapping of its own that is unmapped again when freed (glibc's default for blocks above 128 KiB,
    /// moving up only as such blocks are freed); see `VipsRuntime.start`.
    @Test func largeBlocksComeFromTheHeapsOnceLibvipsStarted() {
        VipsRuntime.start()
        #expect(!VipsRuntime.mapsItsOwnMemory(forBlockOf: 24 << 20))
        #expect(VipsRuntime.mapsItsOwnMemory(forBlockOf: 40 << 20))
    }
}
