package dev.switchboard.delivery;

import java.net.http.HttpRequest;
import java.time.Duration;

/** How a platform turns an app's id and secret into an access token that expires. */
public interface TokenExchange {

    HttpRequest.Builder request(String base, String botId, Credentials credentials) throws OutboundRequest.Malformed;

    /** The token and its lifetime, or an exception whose {@code permanent} says whether asking again can help. */
    Token parse(int status, byte[] body) throws Failed;

    record Token(String value, Duration lifetime) {}

    final class Failed extends Exception {
        private final boolean permanent;

        public Failed(boolean permanent, String message) {
            super(message);
            this.permanent = permanent;
        }

        public boolean permanent() {
            return permanent;
        }
    }
}
