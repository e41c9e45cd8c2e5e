import SystemCalls

/// Who may use the control socket: root, the user the controller runs as, and members of the socket file's
/// group (`smsocket` under the systemd unit). The file's mode (0660) already keeps others from connecting;
/// this check, on the credentials the kernel gives for the peer (`SO_PEERCRED`, `SO_PEERGROUPS`), holds even
/// when someone loosens the mode or the folder.
struct ControlAccess: Sendable, Equatable {
    /// The controller's own user.
    var ownUID: UInt32
    /// The socket file's group.
    var socketGroup: UInt32

    func admits(_ peer: PeerCredentials) -> Bool {
        peer.uid == 0 || peer.uid == ownUID || peer.gid == socketGroup || peer.groups.contains(socketGroup)
    }

    /// What a user kept out is told to do: join the socket's group `gid` (with `user`, how), unless it is
    /// root's, as for a controller started by hand as root: no one should join that group to use the socket.
    static func advice(group gid: UInt32, user: String?) -> String {
        let name = ControlServer.groupName(gid)
        guard gid != 0 else { return "its group is \(name), which no user should join: use sudo" }
        guard let user else { return "join the group \(name)" }
        return "join its group \(name) (sudo usermod -aG \(name) \(user), then log in again), or use sudo"
    }
}
