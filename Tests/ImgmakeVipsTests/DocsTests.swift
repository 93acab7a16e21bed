import ImgmakeJob
import Testing

@testable import ImgmakeVips

@Suite struct DocsTests {
    @Test func listFilters() {
        let all = OperationDocs.list()
        #expect(all.split(separator: "\n").count == VipsCatalog.shared.operationNames.count)
        let thumbs = OperationDocs.list(filter: "thumbnail")
        #expect(thumbs.contains("thumbnail "))
        #expect(thumbs.contains("generate thumbnail from file"))
        #expect(!thumbs.contains("sharpen"))
        #expect(OperationDocs.list(filter: "no operation is called this").isEmpty)
    }

    @Test func describeThumbnail() throws {
        let text = try #require(OperationDocs.describe("thumbnail"))
        #expect(text.hasPrefix("thumbnail - generate thumbnail from file\n"))
        #expect(text.contains("thumbnail filename width [name=value ...]"))
        #expect(text.contains("allowed: none, centre, entropy, attention, low, high, all"))
        #expect(text.contains("min: 1, max: 10000000"))
        #expect(OperationDocs.describe("nothing") == nil)
        let rotate = try #require(OperationDocs.describe("rotate"))
        #expect(rotate.contains("rotate angle [name=value ...]"))
        #expect(rotate.contains("in is the previous step's image"))
    }

    @Test func imageInfo() throws {
        let folder = try TestFolder()
        let path = try folder.image("info.png", width: 33, height: 22, bands: 4)
        let text = try OperationDocs.imageInfo(path: path)
        #expect(text.contains("width:          33\n"))
        #expect(text.contains("height:         22\n"))
        #expect(text.contains("bands:          4\n"))
        #expect(text.contains("loader:         pngload\n"))
        #expect(text.contains("interpretation: srgb\n"))
        #expect(!text.contains("xoffset"))  // header fields are shown once, above
        let jpeg = try OperationDocs.imageInfo(path: try folder.image("info.jpg", width: 10, height: 10))
        #expect(jpeg.contains("loader:         jpegload\n"))
        #expect(jpeg.contains("metadata:\n"))
        #expect(jpeg.contains("jpeg-chroma-subsample"))
    }
}
