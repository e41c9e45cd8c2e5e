/// The few operations of the GPIO character device that the adapter needs, so that its logic can run
/// against a hand-written fake. ``LinuxGPIODevice`` is the real one.
///
/// Buffers are the encoded uAPI structs (see ``LineRequest``, ``LineValues``…), so a fake decodes
/// exactly what the kernel would read.
public protocol GPIOCharacterDevice: Sendable {
    /// The paths of the chips (`/dev/gpiochip0`, …), in chip-number order.
    func chipPaths() throws(GPIOError) -> [String]
    /// Opens a chip; returns its file descriptor.
    func open(_ path: String) throws(GPIOError) -> Int32
    func close(_ fd: Int32)
    /// `ioctl(fd, request, buffer)`; `context` names what it is for, for the error message.
    func ioctl(_ fd: Int32, _ request: UInt, _ buffer: inout [UInt8], context: String) throws(GPIOError)
    /// Waits, with no time limit, until one of `fds` is readable or reports an error (which its read or
    /// ioctl then returns); says for each whether it is.
    func poll(_ fds: [Int32]) throws(GPIOError) -> [Bool]
    /// A descriptor that becomes readable when a chip appears in the chips' directory, leaves it or has its
    /// permissions changed (udev's chmod of a new chip); ``read(_:maxBytes:)`` empties it. Nothing is read
    /// from it but that something happened.
    func watchChips() throws(GPIOError) -> Int32
    /// Reads up to `maxBytes` from `fd`.
    func read(_ fd: Int32, maxBytes: Int) throws(GPIOError) -> [UInt8]
}

/// The typed ioctls, over the encoders.
extension GPIOCharacterDevice {
    func chipInfo(_ fd: Int32, path: String) throws(GPIOError) -> ChipInfo {
        var buffer = [UInt8](repeating: 0, count: Layout.chipInfoSize)
        try ioctl(fd, GPIOIoctl.getChipInfo, &buffer, context: "GPIO_GET_CHIPINFO on \(path)")
        return ChipInfo(decoding: buffer)
    }

    func lineInfo(_ fd: Int32, offset: UInt32, chip: String) throws(GPIOError) -> LineInfo {
        var buffer = LineInfo(name: "", offset: offset).encoded
        try ioctl(fd, GPIOIoctl.getLineInfo, &buffer, context: "GPIO_V2_GET_LINEINFO \(offset) on \(chip)")
        return LineInfo(decoding: buffer)
    }

    /// Requests the lines; returns the request's file descriptor.
    func requestLines(_ fd: Int32, _ request: LineRequest, context: String) throws(GPIOError) -> Int32 {
        var buffer = request.encoded
        try ioctl(fd, GPIOIoctl.getLine, &buffer, context: "GPIO_V2_GET_LINE \(context)")
        return LineRequest(decoding: buffer).fd
    }

    func getValues(_ requestFD: Int32, mask: UInt64, context: String) throws(GPIOError) -> LineValues {
        var buffer = LineValues(bits: 0, mask: mask).encoded
        try ioctl(requestFD, GPIOIoctl.lineGetValues, &buffer, context: "GPIO_V2_LINE_GET_VALUES \(context)")
        return LineValues(decoding: buffer)
    }

    func setValues(_ requestFD: Int32, _ values: LineValues, context: String) throws(GPIOError) {
        var buffer = values.encoded
        try ioctl(requestFD, GPIOIoctl.lineSetValues, &buffer, context: "GPIO_V2_LINE_SET_VALUES \(context)")
    }
}
