import SocketCore

/// Throughput of the PDU codec, for socket-bench. Build in release.
public enum PDUBenchmark {
    /// Decodes 200,000 DELIVER PDUs (from hex) and encodes 200,000 SUBMITs (to hex), each timed with
    /// `ContinuousClock`.
    /// - Returns: operations per second for each.
    public static func run() -> (decodePerSecond: Double, encodePerSecond: Double) {
        let iterations = 200_000
        let stamp = NetworkTimestamp(
            local: CivilTime(year: 2026, month: 1, day: 5, hour: 8, minute: 0, second: 0), zoneQuarterHours: 8)
        let texts = ["1234 ON", "STATUS", "Temperature 21.5 °C", "Привет, как дела?", "RESTARTTIME=5 {ok} €"]
        var samples: [String] = []
        for (i, text) in texts.enumerated() {
            let sender = i == 2 ? PDUAddress.alphanumeric("Operator") : PDUAddress(number: "+3589123456789")
            samples.append(contentsOf: (try? DeliverPDU.encode(text: text, from: sender, timestamp: stamp).map(\.hex)) ?? [])
        }
        let clock = ContinuousClock()
        var checksum = 0
        let decodeTime = clock.measure {
            for i in 0..<iterations {
                if let pdu = try? DeliverPDU(hex: samples[i % samples.count]) { checksum &+= pdu.text.utf8.count }
            }
        }
        let encodeTime = clock.measure {
            for i in 0..<iterations {
                if let parts = try? SubmitPDU.encode(text: texts[i % texts.count], to: "+3589123456789") {
                    checksum &+= parts[0].hex.utf8.count
                }
            }
        }
        precondition(checksum != 0)
        return (Double(iterations) / seconds(decodeTime), Double(iterations) / seconds(encodeTime))
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
