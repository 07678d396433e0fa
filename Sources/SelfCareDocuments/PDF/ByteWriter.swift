/// Writes ASCII into a small fixed buffer: the keywords and numbers of one operator are put together here, on the
/// stack, and reach the page in one append.
struct ByteWriter {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    /// Runs `body` with a writer over `capacity` bytes on the stack, then hands what it wrote to `written`.
    static func withBuffer<Result>(capacity: Int, _ body: (inout ByteWriter) -> Void,
                                   written: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var writer = ByteWriter(buffer: buffer)
            body(&writer)
            return written(UnsafeBufferPointer(rebasing: buffer[..<writer.count]))
        }
    }

    private init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func write(_ byte: UInt8) {
        precondition(count < buffer.count, "operator longer than its buffer")
        buffer[count] = byte
        count += 1
    }

    /// Writes ASCII text known at compile time (operators, delimiters).
    mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { text in
            precondition(count + text.count <= buffer.count, "operator longer than its buffer")
            _ = UnsafeMutableBufferPointer(rebasing: buffer[count...]).update(fromContentsOf: text)
            count += text.count
        }
    }

    /// Writes `value` in decimal, as `String(value)` writes it.
    mutating func writeInteger(_ value: Int) {
        if value < 0 { write(UInt8(ascii: "-")) }
        writeDigits(value.magnitude)
    }

    /// Writes a coordinate with at most two decimals and no trailing `.00`: `42`, `-3.5`, `595.28`.
    mutating func writeNumber(_ value: Double) {
        let hundredths = Int((value * 100).rounded())
        if hundredths < 0 { write(UInt8(ascii: "-")) }
        let magnitude = hundredths.magnitude
        writeDigits(magnitude / 100)
        let fraction = magnitude % 100
        guard fraction != 0 else { return }
        write(UInt8(ascii: "."))
        if fraction < 10 { write(UInt8(ascii: "0")) }
        writeDigits(fraction)
    }

    /// Two numbers separated by a space.
    mutating func writePoint(_ first: Double, _ second: Double) {
        writeNumber(first)
        write(UInt8(ascii: " "))
        writeNumber(second)
    }

    private mutating func writeDigits(_ value: UInt) {
        var length = 1
        var rest = value / 10
        while rest > 0 {
            length += 1
            rest /= 10
        }
        precondition(count + length <= buffer.count, "operator longer than its buffer")
        rest = value
        for index in stride(from: count + length - 1, through: count, by: -1) {
            buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
        count += length
    }
}
