/// Keyboard walks (matching.py `spatial_match`): runs of three or more adjacent keys, like `qwerty` or `zaq1`.
extension PasswordMatcher {
    func spatialMatches(_ password: PasswordText) -> [PasswordMatch] {
        sortedByPosition(graphs.flatMap { spatialMatches(password, on: $0) })
    }

    private func spatialMatches(_ password: PasswordText, on graph: KeyboardGraph) -> [PasswordMatch] {
        let scalars = password.scalars
        var matches: [PasswordMatch] = []
        var i = 0
        while i < scalars.count - 1 {
            var j = i + 1
            var lastDirection: Int?
            var turns = 0
            var shiftedCount = graph.shifted.contains(scalars[i]) ? 1 : 0
            while true {
                let adjacents = graph.adjacency[scalars[j - 1]] ?? []
                var found = false
                if j < scalars.count {
                    let current = scalars[j]
                    for (direction, key) in adjacents.enumerated() {
                        guard let key, let index = key.firstIndex(of: current) else { continue }
                        found = true
                        if index == 1 { shiftedCount += 1 }
                        if lastDirection != direction {
                            turns += 1
                            lastDirection = direction
                        }
                        break
                    }
                }
                if found {
                    j += 1
                } else {
                    if j - i > 2 {
                        let walk = SpatialWalk(family: graph.family, turns: turns, shiftedCount: shiftedCount)
                        matches.append(PasswordMatch(i: i, j: j - 1, pattern: .spatial(walk)))
                    }
                    i = j
                    break
                }
            }
        }
        return matches
    }
}
