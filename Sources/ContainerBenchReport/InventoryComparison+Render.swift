import ContainerBenchModel
import Foundation

extension InventoryComparison {
    /// "What B adds over A": the totals of both sides, then the `limit` largest changes by |bytes| (WHERE: the
    /// Python folder, or the Debian architecture), and how many more the JSON has.
    /// - Parameter showPair: name the service and driver in the heading (compare; `ab` has one pair).
    public func renderTable(showPair: Bool = true, limit: Int = 10) -> String {
        var out = showPair ? "what B adds over A, \(service)/\(driver):\n" : "what B adds over A:\n"
        func totals(_ label: String, _ a: ImageInventory.Totals, _ b: ImageInventory.Totals, _ unit: String) {
            out += "  \(label): \(a.count) → \(b.count) \(unit), \(ReportText.bytes(a.bytes)) → "
            out += "\(ReportText.bytes(b.bytes)) (\(ReportText.bytes(b.bytes - a.bytes, signed: true)))\n"
        }
        totals("python", diff.baseline.python, diff.current.python, "distributions")
        totals("debian", diff.baseline.debian, diff.current.debian, "packages")
        let entries = diff.entries
        guard !entries.isEmpty else {
            out += "  the same distributions and packages\n"
            return out
        }
        out += "  \(diff.added.count) added, \(diff.removed.count) removed, \(diff.changed.count) changed\n"
        let rows = entries.prefix(limit).map { entry -> [String] in
            [
                entry.change.rawValue, entry.ecosystem.rawValue, entry.name, entry.baselineVersion ?? "-",
                entry.currentVersion ?? "-", ReportText.bytes(entry.deltaBytes, signed: true), entry.location ?? "",
            ]
        }
        let table = TextTable(
            headers: ["CHANGE", "TYPE", "NAME", "A VERSION", "B VERSION", "BYTES", "WHERE"],
            alignments: [.left, .left, .left, .left, .left, .right, .left], rows: rows)
        out += table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        if entries.count > limit { out += "  … and \(entries.count - limit) more in the JSON)\n" }
        return out
    }
}
