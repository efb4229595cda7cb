import ArgumentParser
import ContainerBench
import Foundation

/// `containerbench ab`: two Dockerfiles, or one Dockerfile at two git refs, measured interleaved and judged.
struct ABCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ab",
        abstract: "Measure two Dockerfiles (or one at two git refs) interleaved; judge B against A.",
        discussion: """
            ab --dockerfile A --dockerfile B [--context DIR] --port P [--health-path /health] [--trials N]
            ab --dockerfile PATH --ref main --ref HEAD --port P
            Both variants are built cold and started alternately (A B, B A, ...) in one run, stored in the history \
            with label 'ab' (drivers 'a' and 'b'). For each metric: A's and B's medians, B/A with its interval, and \
            the same-sitting test's verdict (t on the logs of the trials at 1% family-wise over the metrics; a \
            regression must also exceed 5% and the metric's absolute noise floor). By default (--trials auto) rounds \
            of 5 + 5 trials are added until every metric is decided, up to 60 a side; --trials N fixes the count. \
            With --ref, each ref's tree is extracted with `git archive` into a temporary folder and built from \
            there. Base images are mapped as in `run` (--base-image, --base-images, --suite, else the built-in \
            stand-ins). When a variant does not build, no trial runs. Exit codes: 0 no regression, 2 B regresses, \
            3 a metric undecided (--strict), 4 a build or trial failed, or the engine or history failed, 64 bad \
            flags or inputs, 130 interrupted.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var baseImages: BaseImageOptions
    @OptionGroup var secrets: BuildSecretOptions
    @OptionGroup(title: "What both variants share") var service: ServiceOptions
    @OptionGroup var engineOptions: EngineOptions

    @Option(name: .customLong("dockerfile"), help: "A Dockerfile: twice (A then B), or once with two --ref.")
    var dockerfiles: [String] = []

    @Option(name: .customLong("ref"), help: "A git ref of the Dockerfile's repository: twice (A then B).")
    var refs: [String] = []

    @Option(
        help: """
            Trials per variant (1-1000), or `auto`: rounds of 5 + 5 interleaved trials until every metric is \
            decided at 1% family-wise, up to 60 a side.
            """)
    var trials: TrialCountArgument = .auto

    @Option(
        help: """
            Override the images' HEALTHCHECK interval in trials (e.g. 100ms), to time `healthy` finely; the check \
            then runs that often inside the starting containers. Default: the images' own interval.
            """)
    var healthInterval: DurationArgument?

    @Option(help: "The label the run is stored with.")
    var label: String = "ab"

    @Option(
        help: """
            Duet: start A and B at the same time and compare them pair by pair; B listens on --duet-port, told \
            through this environment variable (e.g. FIXTURE_PORT). See docs/statistics.md for when it helps.
            """)
    var duetPortEnv: String?

    @Option(help: "Duet: the port B listens on.")
    var duetPort: Int?

    @Option(help: "A suite file whose base_images map is used too.")
    var suite: String?

    @Flag(help: "Print the comparison as JSON (containerbench.ab/v2) instead of a table.")
    var json = false

    @Flag(help: "Exit 3 (inconclusive) when a metric is neither shown changed nor ruled out, instead of 0.")
    var strict = false

    @Flag(
        help: ArgumentHelp(
            "Read both images' inventories (Python distributions, Debian packages; a docker save of each, seconds "
                + "per image) and list what B adds over A under the table and in the JSON's inventory."))
    var inventory = false

    func validate() throws {
        switch (dockerfiles.count, refs.count) {
        case (2, 0), (1, 2): break
        case (1, 0): throw ValidationError("give a second --dockerfile, or two --ref to compare one Dockerfile")
        default:
            throw ValidationError(
                "give two --dockerfile (A then B), or one --dockerfile and two --ref; got \(dockerfiles.count) "
                    + "Dockerfile(s) and \(refs.count) ref(s)")
        }
        guard service.port != nil else { throw ValidationError("ab needs --port, the port the service listens on") }

        try healthInterval?.check("--health-interval", within: 0.001...3600)
        if !Validation.isName(label) { throw ValidationError("--label '\(label)' is not valid") }
        if (duetPortEnv == nil) != (duetPort == nil) {
            throw ValidationError("a duet needs both --duet-port-env and --duet-port")
        }
        if let duetPort, !(1...65535).contains(duetPort) || duetPort == service.port {
            throw ValidationError("--duet-port must be a port from 1 to 65535 other than --port")
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("containerbench-ab-\(UUID())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Inputs first (files, refs, names): a bad input is a usage error before the engine is touched.
        let request: ABRequest
        do {
            request = try await makeRequest(scratch: scratch)
        } catch {
            throw CLI.fail("\(error)", .usageError)
        }
        let printer = ProgressPrinter(quiet: global.quiet || json, terminal: CLI.stdoutIsTerminal)
        let location = try global.historyLocation()
        let outcome: ABRunner.Result
        let endpoint = try engineOptions.endpoint()
        do {
            let opened = try await MeasuringSession.open(endpoint: endpoint, history: location, logger: logger)
            let runner = ABRunner(session: opened.runSession(logger: logger, progress: { printer($0) }))
            let control = RunControl()
            let trap = SignalTrap { signal in
                CLI.error("signal \(signal): stopping after the current step; containers are being removed")
                control.cancel()
            }
            defer { withExtendedLifetime((opened.lock, trap)) {} }
            outcome = try await runner.run(request, control: control)
        } catch {
            throw CLI.fail(error.message, error.status)
        }
        let (record, report) = (outcome.record, outcome.report)
        if json {
            print(try HistoryInputs.guarded { try report.renderJSON() }, terminator: "")
        } else {
            print(report.renderTable(showPairs: false), terminator: "")
        }
        // The table's verdict line is the exit status; what went wrong goes to stderr.
        switch record.status {
        case .completed: break
        case .interrupted: CLI.error("interrupted; what ran is stored as run \(record.id)")
        case .failed, .running:
            CLI.error(
                "run \(record.id) failed, so the comparison cannot be trusted:\n"
                    + record.errors.joined(separator: "\n"))
        }
        if report.exitStatus != .pass { throw ExitCode(report.exitStatus.rawValue) }
    }

    /// The two variants, from two Dockerfiles or from one Dockerfile at two refs.
    private func makeRequest(scratch: URL) async throws -> ABRequest {
        let a: ABVariant
        let b: ABVariant
        if refs.isEmpty {
            a = try ABVariant(dockerfile: dockerfiles[0], context: service.context)
            b = try ABVariant(dockerfile: dockerfiles[1], context: service.context)
        } else {
            var variants: [ABVariant] = []
            for (ref, folder) in zip(refs, ["a", "b"]) {
                let (snapshot, root) = try await GitSnapshot.extract(
                    ref: ref, repositoryOf: dockerfiles[0], into: scratch, name: folder)
                let file = try snapshot.locate(dockerfiles[0], workTreeRoot: root)
                let contextFolder = try service.context.map { try snapshot.locate($0, workTreeRoot: root) }
                variants.append(
                    try ABVariant(
                        dockerfile: file.path, context: contextFolder?.path,
                        source: "\(dockerfiles[0])@\(ref) (\(snapshot.commit.prefix(12)))"))
            }
            a = variants[0]
            b = variants[1]
        }
        var map = try suite.map { try SuiteLoader.load(path: $0).baseImageMap } ?? BaseImageMap()
        map = map.merging(try baseImages.map())
        // Both variants share what the flags say; the Dockerfile decides nothing of it.
        let first = trials.count ?? VerdictPolicy.standard.confirmationPlan.firstLookTrials
        let spec = try service.spec(dockerfile: dockerfiles[0], trials: first, healthInterval: nil)
        var options = TrialOptions()
        options.healthInterval = healthInterval?.seconds
        var request = try ABRequest(
            a: a, b: b, name: service.name ?? AdHocSuite.serviceName(for: URL(fileURLWithPath: dockerfiles[0])),
            port: spec.port, healthPath: spec.healthPath, trials: first,
            memoryWindow: service.memoryWindow?.seconds ?? 2,
            readyTimeout: spec.readyTimeout, environment: spec.environment, buildArgs: spec.buildArgs,
            target: spec.target, command: spec.command, healthStatus: spec.healthStatus, baseImages: map, label: label,
            options: options, inventory: inventory, adaptive: trials == .auto,
            duet: duetPort.flatMap { port in duetPortEnv.map { DuetSpec(portVariable: $0, port: port) } })
        request.strict = strict
        request.buildSecrets = try secrets.secrets()
        return request
    }
}
