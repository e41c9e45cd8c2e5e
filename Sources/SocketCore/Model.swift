/// The four iSocket models this controller can be (spec §1.1).
public enum Model: String, CaseIterable, Sendable, Codable {
    case gsm706 = "706"
    case gsm707 = "707"
    case gsm706Light = "706L"
    case gsm707Light = "707L"

    /// Light models lack the thermometer, clock, alarm input, micro-relay, microphone and scheduler (§1.2).
    public var isLight: Bool { self == .gsm706Light || self == .gsm707Light }

    /// 707 models carry a battery, so they can report a power loss before shutting down (§4.14).
    public var hasBattery: Bool { self == .gsm707 || self == .gsm707Light }

    /// The model as HARDWARE reports it, under this product's own name (§5 A47: one name per model).
    public var productName: String {
        switch self {
        case .gsm706: "SMSocket 706"
        case .gsm707: "SMSocket 707"
        case .gsm706Light: "SMSocket 706 Light"
        case .gsm707Light: "SMSocket 707 Light"
        }
    }
}
