import Foundation

/// Finds where the mean of a metric's history shifts: PELT (Killick, Fearnhead & Eckley 2012) with a normal
/// mean-shift cost and a BIC-style penalty scaled by a robust estimate of the noise variance.
///
/// The cost of a segment is its sum of squared deviations from its mean; each change point costs
/// `penaltyMultiplier · σ² · ln(n)`, where σ comes from the median absolute deviation of first differences
/// (a step moves only one difference, so a real shift barely inflates σ). BIC would use a multiplier of 2; that
/// flags 5–15% of pure-noise series of 20–100 points because σ estimated from so few points is itself noisy.
/// The default of 6 flagged about 1% of 20-point and under 0.5% of 40-point Gaussian or log-normal noise series in
/// simulation, and still finds a 5% step in 3% noise at 40 points about half of the time and a 30% step always.
public struct ChangePointDetector: Sendable, Equatable {
    /// One stretch of the series between change points.
    public struct Segment: Sendable, Equatable, Codable {
        /// Index of the segment's first value.
        public var start: Int
        /// Index one past the segment's last value.
        public var end: Int
        /// The mean of the segment's values.
        public var mean: Double

        /// A segment covering `start..<end` with mean `mean`.
        public init(start: Int, end: Int, mean: Double) {
            self.start = start
            self.end = end
            self.mean = mean
        }
    }

    /// No segment is shorter than this many points (at least 1).
    public var minimumSegmentLength: Int
    /// The penalty per change point, in units of σ² · ln(n).
    public var penaltyMultiplier: Double
    /// A lower bound for σ in the metric's unit, e.g. the metric's noise floor; 0 to trust the data alone.
    public var minimumNoise: Double

    /// A detector with the given minimum segment length, penalty multiplier and noise floor.
    public init(minimumSegmentLength: Int = 5, penaltyMultiplier: Double = 6, minimumNoise: Double = 0) {
        self.minimumSegmentLength = minimumSegmentLength
        self.penaltyMultiplier = penaltyMultiplier
        self.minimumNoise = minimumNoise
    }

    /// The indices where a new segment starts (never 0), ascending.
    ///
    /// - Throws: `StatisticsError` with `.nonFiniteValue` for NaN or infinite values, `.invalidParameter` when
    ///   `minimumSegmentLength` is below 1 or `penaltyMultiplier` is negative.
    public func changePoints(in series: [Double]) throws(StatisticsError) -> [Int] {
        try segments(of: series).dropFirst().map(\.start)
    }

    /// The segments of `series`, in order; one segment when there is no change point, none for an empty series.
    ///
    /// - Throws: as `changePoints(in:)`.
    public func segments(of series: [Double]) throws(StatisticsError) -> [Segment] {
        guard minimumSegmentLength >= 1, penaltyMultiplier >= 0, minimumNoise >= 0 else {
            throw StatisticsError(
                .invalidParameter,
                "change points: minimumSegmentLength (\(minimumSegmentLength)) must be at least 1 and"
                    + " penaltyMultiplier (\(penaltyMultiplier)) and minimumNoise (\(minimumNoise)) not negative")
        }
        guard !series.isEmpty else { return [] }
        try StatisticsError.validate(series, name: "history", routine: "change points")
        let starts = pelt(series)
        let bounds = [0] + starts + [series.count]
        return zip(bounds, bounds.dropFirst()).map { start, end in
            Segment(start: start, end: end, mean: series[start..<end].reduce(0, +) / Double(end - start))
        }
    }

    /// The noise σ PELT's penalty is scaled by: 1.4826 · MAD of the first differences / √2, or the standard
    /// deviation of the differences / √2 when more than half of them are equal, never below `minimumNoise`.
    public func noiseSigma(of series: [Double]) -> Double {
        var sigma = 0.0
        if series.count >= 3 {
            let differences = zip(series.dropFirst(), series).map { $0 - $1 }
            let center = Summary.quantile(sorted: differences.sorted(), 0.5)
            let mad = Summary.quantile(sorted: differences.map { abs($0 - center) }.sorted(), 0.5)
            sigma = 1.4826 * mad / 2.0.squareRoot()
            if sigma == 0 {
                let mean = differences.reduce(0, +) / Double(differences.count)
                let variance =
                    differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(differences.count - 1)
                sigma = variance.squareRoot() / 2.0.squareRoot()
            }
        }
        // A constant series has σ = 0: keep a tiny positive penalty so equal-cost splits are never preferred.
        let scale = Swift.max(series.map(abs).max() ?? 0, 1)
        return Swift.max(sigma, minimumNoise, 1e-9 * scale)
    }

    /// The segment starts of the optimal penalised segmentation, excluding 0.
    private func pelt(_ x: [Double]) -> [Int] {
        let n = x.count
        let length = minimumSegmentLength
        guard n >= 2 * length else { return [] }
        let sigma = noiseSigma(of: x)
        let penalty = penaltyMultiplier * sigma * sigma * log(Double(n))

        var sums = [Double](repeating: 0, count: n + 1)
        var squares = [Double](repeating: 0, count: n + 1)
        for index in 0..<n {
            sums[index + 1] = sums[index] + x[index]
            squares[index + 1] = squares[index] + x[index] * x[index]
        }
        func cost(_ start: Int, _ end: Int) -> Double {
            let sum = sums[end] - sums[start]
            return Swift.max(squares[end] - squares[start] - sum * sum / Double(end - start), 0)
        }

        // best[t]: the least penalised cost of x[0..<t]; last[t]: where its final segment starts.
        var best = [Double](repeating: .infinity, count: n + 1)
        var last = [Int](repeating: 0, count: n + 1)
        best[0] = -penalty
        // Candidates for the final segment's start. A candidate pruned at time t can still be the best start for
        // ends t' < t + length (the segment from t would be too short there), so it is only dropped from t + length.
        var candidates: [(start: Int, droppedFrom: Int)] = [(0, Int.max)]
        for end in length...n {
            if end - length >= length && best[end - length].isFinite {
                candidates.append((end - length, Int.max))
            }
            candidates.removeAll { $0.droppedFrom <= end }
            var values: [Double] = []
            for candidate in candidates {
                let value =
                    end - candidate.start >= length
                    ? best[candidate.start] + cost(candidate.start, end) + penalty : .infinity
                values.append(value)
                if value < best[end] {
                    best[end] = value
                    last[end] = candidate.start
                }
            }
            for index in candidates.indices where values[index].isFinite {
                if values[index] - penalty > best[end] {
                    candidates[index].droppedFrom = Swift.min(candidates[index].droppedFrom, end + length)
                }
            }
        }
        var starts: [Int] = []
        var end = n
        while end > 0 {
            let start = last[end]
            if start > 0 { starts.append(start) }
            end = start
        }
        return starts.reversed()
    }
}
