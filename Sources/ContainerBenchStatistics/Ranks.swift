import Foundation

/// Average ranks of values (1-based, ties share the mean of their positions), as `scipy.stats.rankdata`.
public struct Ranks: Sendable, Equatable {
    /// The rank of each value, in the input's order.
    public var ranks: [Double]
    /// The size of every group of equal values (1 for a value without ties), in ascending value order.
    public var tieSizes: [Int]

    /// Ranks `values`; NaN values are ranked as scipy does not define them, so callers reject them first.
    public init(_ values: [Double]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieSizes: [Int] = []
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            // Positions start..<end (0-based) share the average of ranks start+1 ... end.
            let average = Double(start + 1 + end) / 2
            for position in start..<end { ranks[order[position]] = average }
            tieSizes.append(end - start)
            start = end
        }
        self.ranks = ranks
        self.tieSizes = tieSizes
    }
}
