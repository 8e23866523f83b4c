package dev.switchboard.model;

/**
 * A media item or file. {@code id} is the platform's file token (Telegram {@code file_id}, Slack file
 * id, WhatsApp media id), with which a delivery service can download it; {@code url} is set only where
 * the platform sends one. {@code size} is in bytes, or null when unknown.
 */
public record Attachment(String type, String id, String url, String mimeType, String name, Long size) {}
