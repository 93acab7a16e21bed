extension String {
    /// The pieces end to end, made in one allocation and one copy of each piece's bytes (`a + "/" + b` makes
    /// an intermediate string per `+`, which cost no-op builds of many inputs a measurable share of their time).
    public init(concatenating pieces: [String]) {
        var count = 0
        for piece in pieces { count += piece.utf8.count }
        self.init(unsafeUninitializedCapacity: count) { buffer in
            var offset = 0
            for var piece in pieces {
                piece.withUTF8 { bytes in
                    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
                    // swift-format-ignore: NeverForceUnwrap
                    // `buffer` has room for every piece's bytes and these are not empty: it is not empty either.
                    (buffer.baseAddress! + offset).initialize(from: source, count: bytes.count)
                    offset += bytes.count
                }
            }
            return offset
        }
    }
}
