package dev.switchboard.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free local ports for the servers the tests start in their own processes. */
final class Ports {
    private Ports() {}

    static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("localhost", 0));
            return socket.getLocalPort();
        }
    }
}
