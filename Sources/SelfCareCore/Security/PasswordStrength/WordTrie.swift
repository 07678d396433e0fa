/// Ranked words in a trie over Unicode scalars: one walk from a position finds every word that starts there, and
/// stops as soon as no word continues, which keeps l33t matching fast.
struct WordTrie: Sendable {
    /// A word's rank in one list.
    struct Entry: Sendable {
        let source: WordSource
        let rank: Int
    }

    static let root = 0

    /// For each node, where its edges start in `edgeScalars`/`edgeTargets`, and how many it has.
    private var edgeStart: [Int32] = []
    private var edgeCount: [Int32] = []
    /// For each node, the index of its entries in `entries`, or -1 when no word ends there.
    private var terminal: [Int32] = []
    /// The edges, sorted by scalar within each node.
    private var edgeScalars: [UInt32] = []
    private var edgeTargets: [Int32] = []
    private var entries: [[Entry]] = []

    /// A word may appear in several lists (and twice in one: the last rank wins, as in a Python dict).
    init(_ words: [(word: String, entry: Entry)]) {
        // All words' scalars in one buffer, then the words sorted by scalars (ties in the order given).
        var scalars: [UInt32] = []
        var bounds: [(start: Int, count: Int)] = []
        bounds.reserveCapacity(words.count)
        for (word, _) in words {
            let start = scalars.count
            scalars.append(contentsOf: word.unicodeScalars.lazy.map(\.value))
            bounds.append((start, scalars.count - start))
        }
        var order = words.indices.filter { bounds[$0].count > 0 }
        scalars.withUnsafeBufferPointer { buffer in
            order.sort { a, b in
                let (first, second) = (bounds[a], bounds[b])
                for k in 0..<min(first.count, second.count) where buffer[first.start + k] != buffer[second.start + k] {
                    return buffer[first.start + k] < buffer[second.start + k]
                }
                return first.count != second.count ? first.count < second.count : a < b
            }
        }
        func isSameWord(_ a: Int, _ b: Int) -> Bool {
            bounds[a].count == bounds[b].count
                && scalars[bounds[a].start..<bounds[a].start + bounds[a].count]
                    == scalars[bounds[b].start..<bounds[b].start + bounds[b].count]
        }
        var sorted: [Int] = []
        var sortedEntries: [[Entry]] = []
        for index in order {
            let entry = words[index].entry
            if let previous = sorted.last, isSameWord(previous, index) {
                if let same = sortedEntries[sortedEntries.count - 1].firstIndex(where: { $0.source == entry.source }) {
                    sortedEntries[sortedEntries.count - 1][same] = entry
                } else {
                    sortedEntries[sortedEntries.count - 1].append(entry)
                }
            } else {
                sorted.append(index)
                sortedEntries.append([entry])
            }
        }
        func scalar(_ word: Int, _ depth: Int) -> UInt32 { scalars[bounds[sorted[word]].start + depth] }
        func length(_ word: Int) -> Int { bounds[sorted[word]].count }

        // Breadth first: each pending node is the range of sorted words sharing its prefix of length `depth`.
        var pending: [(low: Int, high: Int, depth: Int)] = [(0, sorted.count, 0)]
        var next = 0
        while next < pending.count {
            let (low, high, depth) = pending[next]
            next += 1
            var k = low
            if k < high, length(k) == depth {
                terminal.append(Int32(entries.count))
                entries.append(sortedEntries[k])
                k += 1
            } else {
                terminal.append(-1)
            }
            edgeStart.append(Int32(edgeScalars.count))
            while k < high {
                let edge = scalar(k, depth)
                var end = k + 1
                while end < high, scalar(end, depth) == edge { end += 1 }
                edgeScalars.append(edge)
                edgeTargets.append(Int32(pending.count))
                pending.append((k, end, depth + 1))
                k = end
            }
            edgeCount.append(Int32(edgeScalars.count) - edgeStart.last!)
        }
    }

    /// The node reached from `node` by `scalar`, or nil when no word continues that way.
    func child(_ node: Int, _ scalar: Unicode.Scalar) -> Int? {
        var low = Int(edgeStart[node])
        var high = low + Int(edgeCount[node])
        let value = scalar.value
        while low < high {
            let middle = (low + high) / 2
            let found = edgeScalars[middle]
            if found == value { return Int(edgeTargets[middle]) }
            if found < value { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// The ranks of the word ending at `node`, in the order the lists were given.
    func entries(_ node: Int) -> [Entry] {
        let index = terminal[node]
        return index < 0 ? [] : entries[Int(index)]
    }
}
