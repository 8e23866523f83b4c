package dev.switchboard.format;

/**
 * One send request: the platform API method or path (no host, no credentials) and the request body a
 * delivery service posts as it is.
 */
public record PlatformRequest(String endpoint, String body) {}
