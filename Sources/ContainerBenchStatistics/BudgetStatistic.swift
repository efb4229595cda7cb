import Foundation

/// The statistic of a metric's samples a budget is judged on.
public enum BudgetStatistic: String, Codable, Sendable, CaseIterable {
    case median, p95, max, mean
    /// One exact value (image bytes).
    case value
}

extension BudgetStatistic {
    /// This statistic of already sorted, non-empty values; `value` is the median (exact metrics repeat one value).
    public func of(sorted values: [Double]) -> Double {
        switch self {
        case .median, .value: return Summary.quantile(sorted: values, 0.5)
        case .p95: return Summary.quantile(sorted: values, 0.95)
        case .max: return values[values.count - 1]
        case .mean: return values.reduce(0, +) / Double(values.count)
        }
    }
}
