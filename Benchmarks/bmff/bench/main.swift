// bmff-bench: throughput of AssayBMFF's streamed SHA-256 and BoxEditor copy on one file.
// Usage: bmff-bench hash FILE [RUNS]   |   bmff-bench edit FILE OUT [RUNS]
// Prints one line per run and a final `best <seconds> <GB/s>` line that run.sh turns into a table.
import AssayBMFF

#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// `value` with `digits` decimals (no Foundation).
func fmt(_ value: Double, _ digits: Int) -> String {
    let scale = (0..<digits).reduce(1.0) { r, _ in r * 10 }
    let v = (value * scale).rounded() / scale
    var s = String(v)
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        s += String(repeating: "0", count: max(0, digits - decimals))
    }
    return s
}

func fail(_ message: String) -> Never {
    let text = Array("bmff-bench: \(message)\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

let args = CommandLine.arguments
guard args.count >= 3 else { fail("usage: bmff-bench hash FILE [RUNS] | edit FILE OUT [RUNS]") }
let mode = args[1]
let path = args[2]

do {
    let source = try FileByteSource(path: path)
    let gb = Double(source.size) / 1e9
    var best = Double.infinity
    switch mode {
    case "hash":
        let runs = args.count > 3 ? Int(args[3]) ?? 3 : 3
        for i in 0..<runs {
            let t0 = now()
            let digest = try SHA256Hasher.digest(source: source)
            let dt = now() - t0
            best = min(best, dt)
            let hex = digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            print("run \(i + 1): \(fmt(dt, 3)) s  \(fmt(gb / dt, 2)) GB/s  \(hex)")
        }
    case "edit":
        guard args.count >= 4 else { fail("edit needs FILE OUT") }
        let out = args[3]
        let runs = args.count > 4 ? Int(args[4]) ?? 2 : 2
        let box = BoxBuilder.uuidBox(userType: KnownBoxes.c2paUUID, [UInt8](repeating: 0, count: 4096))
        for i in 0..<runs {
            let t0 = now()
            let editor = try BoxEditor(source: source)
            let pending = try editor.apply([.insert(box)], to: out)
            let written = now() - t0
            try pending.commit()
            let dt = now() - t0
            best = min(best, dt)
            print("run \(i + 1): \(fmt(dt, 3)) s  \(fmt(gb / dt, 2)) GB/s  (write \(fmt(written, 3)) s, fsync+rename \(fmt(dt - written, 3)) s)")
        }
    default:
        fail("unknown mode \(mode)")
    }
    print("best \(best) \(gb / best)")
} catch {
    fail("\(error)")
}
