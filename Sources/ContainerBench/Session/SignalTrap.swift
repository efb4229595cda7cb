import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into task cancellation, so that a run stops between steps, removes its containers and
/// temporary contexts, and is recorded as interrupted. A second signal exits at once.
public final class SignalTrap: Sendable {
    private final class Box: Sendable {
        let mutex = Mutex<(signal: Int32?, sources: [any DispatchSourceSignal])>((nil, []))
    }

    private let box = Box()

    /// Installs the handlers; `onSignal` is called once, on the first signal.
    public init(onSignal: @escaping @Sendable (Int32) -> Void) {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [box] in
                let first = box.mutex.withLock { state -> Bool in
                    if state.signal != nil { return false }
                    state.signal = number
                    return true
                }
                if first {
                    onSignal(number)
                } else {
                    exit(128 + number)
                }
            }
            source.resume()
            sources.append(source)
        }
        box.mutex.withLock { $0.sources = sources }
    }

    /// The first signal received, if any.
    public var received: Int32? { box.mutex.withLock { $0.signal } }
}
