import Testing

@testable import ImgmakeVips

@Suite struct MallocSettingsTests {
    /// Once libvips has started, a block of tens of MiB (a decoded photo's worth) comes from glibc's heaps, not
    /// from a mapping of its own that is unmapped again when freed (glibc's default for blocks above 128 KiB,
    /// moving up only as such blocks are freed); see `VipsRuntime.start`.
    ///
    /// A block above the threshold is not probed near it: glibc serves any request from a free chunk of its heaps
    /// that is large enough before it considers a mapping, and other tests of this process leave such chunks (a
    /// 40 MiB probe came from the heaps once in CI). 1 GiB is above any block the tests free.
    @Test func largeBlocksComeFromTheHeapsOnceLibvipsStarted() {
        VipsRuntime.start()
        #expect(VipsRuntime.mallocSettingsTaken)
        #expect(!VipsRuntime.mapsItsOwnMemory(forBlockOf: 24 << 20))
        #expect(VipsRuntime.mapsItsOwnMemory(forBlockOf: 1 << 30))
    }
}
