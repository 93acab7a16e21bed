/// Iterative depth-first search over edge indices (no recursion: chains can be long), shared by the
/// dependency closure and the cycle check.
enum DepthFirst {
    /// Visits everything reachable from `roots` through `successors`, calling `finish` on each node after all of
    /// its successors (post-order: dependencies first). When a successor is on the current path, `cycle` gets
    /// that path from the successor round to it again, and the search stops if it returns true.
    static func postOrder(
        count: Int, roots: [Int], successors: (Int) -> [Int], finish: (Int) -> Void = { _ in },
        cycle: ([Int]) -> Bool = { _ in false }
    ) {
        var state = [UInt8](repeating: 0, count: count)  // 0 new, 1 on the path, 2 done
        var stack: [(node: Int, next: Int)] = []
        for start in roots where state[start] == 0 {
            stack.append((start, 0))
            state[start] = 1
            while let (node, next) = stack.last {
                let following = successors(node)
                if next < following.count {
                    stack[stack.count - 1].next += 1
                    let successor = following[next]
                    if state[successor] == 1 {
                        let path = stack.map(\.node)
                        guard let start = path.firstIndex(of: successor) else {
                            preconditionFailure("a node marked on the path is on the stack")
                        }
                        if cycle(Array(path[start...]) + [successor]) { return }
                    } else if state[successor] == 0 {
                        state[successor] = 1
                        stack.append((successor, 0))
                    }
                } else {
                    state[node] = 2
                    finish(node)
                    stack.removeLast()
                }
            }
        }
    }
}
