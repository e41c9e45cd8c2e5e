import Testing

/// Every suite that opens pseudo-terminals runs inside this one, one test at a time: pty numbers
/// (`/dev/pts/N`) are reused as soon as one closes, so a test that reopens a port by path while another
/// test creates a pty could reach the other test's modem.
@Suite(.serialized)
enum PseudoTerminalTests {}
