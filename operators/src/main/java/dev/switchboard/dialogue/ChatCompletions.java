package dev.switchboard.dialogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.bot.BotDefinition;
import dev.switchboard.model.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A client of an OpenAI-compatible {@code POST /v1/chat/completions} endpoint (vLLM, Ollama, Triton's OpenAI front end,
 * a cloud API): one non-streaming request per generated reply, on the JDK's non-blocking HTTP client (one per
 * TaskManager), with the bot's timeout. Every failure becomes an {@link Outcome} with a reason, never an exception.
 */
public final class ChatCompletions {
    /** Why a generated reply was not used (the metric's {@code reason} label). */
    public static final String TIMEOUT = "timeout";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String HTTP_ERROR = "http_error";
    public static final String UNREACHABLE = "unreachable";
    public static final String MALFORMED = "malformed";
    public static final String EMPTY = "empty";
    public static final String BUDGET = "budget";
    public static final String NO_KEY = "no_key";

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    /**
     * What the endpoint answered.
     *
     * @param text the generated text, or null when it failed
     * @param tokens total tokens the endpoint reported ({@code usage.total_tokens}), or an estimate when it reported none
     * @param failure one of the reasons above, or null
     * @param detail the status and a short reason for the log
     */
    public record Outcome(String text, long tokens, String failure, String detail) {
        static Outcome failed(String reason, String detail) {
            return new Outcome(null, 0, reason, detail);
        }
    }

    /** One chat message of the prompt. */
    public record Message(String role, String content) {}

    private ChatCompletions() {}

    /** The request body: model, messages, max_tokens; deterministic sampling (temperature 0) for repeatable replies. */
    public static String body(BotDefinition.Generate generate, List<Message> messages) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", generate.model());
        ArrayNode array = body.putArray("messages");
        for (Message m : messages) {
            array.addObject().put("role", m.role()).put("content", m.content());
        }
        body.put("max_tokens", generate.maxTokens());
        body.put("temperature", 0);
        body.put("stream", false);
        return body.toString();
    }

    /** Sends one request; completes with the outcome, never exceptionally. */
    public static CompletableFuture<Outcome> send(BotDefinition.Generate generate, String body, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(generate.endpoint()))
                .timeout(generate.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null && !apiKey.isEmpty()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            return CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                    .handle((response, error) -> error != null ? failure(error) : parse(response.statusCode(), response.body(), body));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Outcome.failed(UNREACHABLE, e.getMessage()));
        }
    }

    private static Outcome failure(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return Outcome.failed(TIMEOUT, cause.getMessage());
        }
        return Outcome.failed(UNREACHABLE, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    /** Reads a chat-completions answer: {@code choices[0].message.content} and {@code usage.total_tokens}. */
    static Outcome parse(int status, String responseBody, String requestBody) {
        if (status == 429) {
            return Outcome.failed(RATE_LIMITED, "429 " + errorMessage(responseBody));
        }
        if (status / 100 != 2) {
            return Outcome.failed(HTTP_ERROR, status + " " + errorMessage(responseBody));
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(responseBody);
        } catch (IOException e) {
            return Outcome.failed(MALFORMED, "not JSON: " + Json.firstLine(e.getMessage()));
        }
        JsonNode content = json == null ? null : json.path("choices").path(0).path("message").path("content");
        if (content == null || !content.isTextual()) {
            return Outcome.failed(MALFORMED, "no choices[0].message.content");
        }
        String text = content.asText().strip();
        if (text.isEmpty()) {
            return Outcome.failed(EMPTY, "empty content");
        }
        long tokens = json.path("usage").path("total_tokens").asLong(0);
        if (tokens <= 0) {
            // No usage reported: about four characters a token, prompt and answer.
            tokens = (requestBody.length() + text.length()) / 4 + 1;
        }
        return new Outcome(text, tokens, null, "200");
    }

    private static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            JsonNode message = json.path("error").path("message");
            if (message.isTextual()) {
                return message.asText();
            }
            if (json.path("error").isTextual()) {
                return json.path("error").asText();
            }
        } catch (IOException e) {
            // not JSON: the start of the text
        }
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
}
