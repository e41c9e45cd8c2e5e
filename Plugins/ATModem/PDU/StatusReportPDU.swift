import SocketCore

/// An SMS-STATUS-REPORT: the network's word on a message we sent. Decoded so it can be recognised and set
/// aside; the optional parameters after TP-ST are not read.
public struct StatusReportPDU: Hashable, Sendable {
    public var serviceCentre: PDUAddress?
    public var firstOctet: UInt8
    public var messageReference: UInt8
    public var recipient: PDUAddress
    /// TP-SCTS; nil when not readable (as for ``DeliverPDU/timestamp``).
    public var serviceCentreTimestamp: NetworkTimestamp?
    /// TP-DT; nil when not readable.
    public var dischargeTime: NetworkTimestamp?
    /// TP-ST: 0x00 delivered, 0x20–0x3F still trying, 0x40 and above failed.
    public var status: UInt8
    public var raw: [UInt8]

    init(_ reader: inout ByteReader, serviceCentre: PDUAddress?, firstOctet: UInt8) throws(PDUError) {
        self.serviceCentre = serviceCentre
        self.firstOctet = firstOctet
        messageReference = try reader.byte()
        recipient = try PDUAddress.decode(&reader, isServiceCentre: false)!
        serviceCentreTimestamp = try SCTS.decode(&reader).success
        dischargeTime = try SCTS.decode(&reader).success
        status = try reader.byte()
        raw = reader.bytes
    }
}
