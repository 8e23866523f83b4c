package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for an OpenAI-compatible chat-completions endpoint ({@code POST /v1/chat/completions}, as vLLM,
 * Ollama and the cloud APIs serve it; no model weights ship in any registry reachable here). It checks the request
 * (JSON with {@code model} and a non-empty {@code messages} array of {role, content}; the bearer key when one is
 * set), records every prompt it receives, and answers in the wire format: {@code choices[0].message.content}
 * ("Generated answer N to: <the last user message>") with {@code usage}, or, when scripted, the API's errors: 429
 * with {@code error.type} {@code rate_limit_exceeded}, 500, a body that is not JSON, or no answer at all; any request
 * can be delayed. Clearly a fake: its answers say so.
 */
public final class LlmFake implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the next requests get. */
    public enum Mode { ANSWER, RATE_LIMITED, SERVER_ERROR, MALFORMED, HANG }

    private final HttpServer server;
    private final List<JsonNode> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, Long> delays = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile Mode mode = Mode.ANSWER;
    private volatile String apiKey;
    private volatile long delayMillis;

    public LlmFake(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "llm-fake");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port() + "/v1/chat/completions";
    }

    public LlmFake mode(Mode m) {
        this.mode = m;
        return this;
    }

    /** Requests must carry {@code Authorization: Bearer <key>}; null accepts any. */
    public LlmFake requireKey(String key) {
        this.apiKey = key;
        return this;
    }

    /** Every answer waits this long. */
    public LlmFake delay(long millis) {
        this.delayMillis = millis;
        return this;
    }

    /** The {@code n}-th request (1-based) waits this long before its answer. */
    public LlmFake delayRequest(int n, long millis) {
        delays.put(n, millis);
        return this;
    }

    /** The request bodies received, in arrival order. */
    public List<JsonNode> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The text of every message of request {@code i} (0-based), joined: what a test searches a prompt for. */
    public String promptText(int i) {
        StringBuilder b = new StringBuilder();
        requests().get(i).path("messages").forEach(m -> b.append(m.path("role").asText()).append(": ")
                .append(m.path("content").asText()).append('\n'));
        return b.toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, error("method not allowed", "invalid_request_error"));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (apiKey != null && !("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, error("Incorrect API key provided", "invalid_request_error"));
                return;
            }
            JsonNode request;
            try {
                request = JSON.readTree(body);
            } catch (IOException e) {
                send(exchange, 400, error("We could not parse the JSON body of your request.", "invalid_request_error"));
                return;
            }
            if (request == null || !request.path("model").isTextual() || !request.path("messages").isArray()
                    || request.path("messages").isEmpty()) {
                send(exchange, 400, error("'model' and a non-empty 'messages' are required", "invalid_request_error"));
                return;
            }
            requests.add(request);
            int n = count.incrementAndGet();
            long wait = delays.getOrDefault(n, delayMillis);
            Mode m = mode;
            if (m == Mode.HANG) {
                wait = Math.max(wait, 120_000);
            }
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            switch (m) {
                case RATE_LIMITED -> send(exchange, 429, error("Rate limit reached for requests", "rate_limit_exceeded"));
                case SERVER_ERROR -> send(exchange, 500, error("The server had an error while processing your request.", "server_error"));
                case MALFORMED -> send(exchange, 200, "<html>upstream proxy error</html>");
                default -> {
                    JsonNode messages = request.get("messages");
                    String last = "";
                    for (JsonNode message : messages) {
                        if ("user".equals(message.path("role").asText())) {
                            last = message.path("content").asText();
                        }
                    }
                    ObjectNode answer = JSON.createObjectNode();
                    answer.put("id", "chatcmpl-fake-" + n);
                    answer.put("object", "chat.completion");
                    answer.put("model", request.get("model").asText());
                    ObjectNode choice = answer.putArray("choices").addObject();
                    choice.put("index", 0);
                    choice.putObject("message").put("role", "assistant")
                            .put("content", "Generated answer " + n + " (local fake model) to: " + last);
                    choice.put("finish_reason", "stop");
                    int prompt = body.length / 4;
                    answer.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", 12)
                            .put("total_tokens", prompt + 12);
                    send(exchange, 200, answer.toString());
                }
            }
        }
    }

    private static String error(String message, String type) {
        ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("message", message).put("type", type);
        return e.toString();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
