package io.kubegpu.scorer.action;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kubegpu.scorer.config.ScorerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire format of each AI provider: the headers and body that ask a question, and where the answer's text
 * is. Pure, so each shape is tested without a network.
 * <ul>
 * <li>OpenAI chat completions: {@code Authorization: Bearer KEY}, {@code {model, messages:[system, user]}},
 *     answer in {@code choices[0].message.content}.</li>
 * <li>OpenAI-compatible local servers: the same, the key optional.</li>
 * <li>Azure OpenAI: the deployment URL names the model, so the body has none; the key goes in {@code api-key}.</li>
 * <li>Anthropic Messages API: {@code x-api-key} and {@code anthropic-version: 2023-06-01}, {@code {model, max_tokens,
 *     system, messages:[user]}}, answer in the first text block of {@code content}.</li>
 * </ul>
 * No {@code response_format} is sent: models such as gpt-4 (the monitor's default) refuse it; the prompt asks for
 * JSON and {@link LlmReviewer} reads it out of whatever text comes back.
 */
final class AiProtocol {
    static final String ANTHROPIC_VERSION = "2023-06-01";
    /** Room for the verdict object; a longer answer is cut, and then fails to parse rather than costing more. */
    static final int MAX_TOKENS = 512;

    private final ScorerConfig.Ai config;

    AiProtocol(ScorerConfig.Ai config) {
        this.config = config;
    }

    Map<String, String> headers() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("Content-Type", "application/json");
        switch (config.provider()) {
            case OPENAI, OPENAI_COMPATIBLE -> {
                if (config.apiKey() != null) {
                    out.put("Authorization", "Bearer " + config.apiKey());
                }
            }
            case AZURE -> out.put("api-key", config.apiKey());
            case ANTHROPIC -> {
                out.put("x-api-key", config.apiKey());
                out.put("anthropic-version", ANTHROPIC_VERSION);
            }
        }
        return out;
    }

    JsonObject body(String system, String user) {
        JsonObject out = new JsonObject();
        if (config.provider() != ScorerConfig.AiProvider.AZURE) {
            out.addProperty("model", config.model());
        }
        out.addProperty("temperature", 0);
        out.addProperty("max_tokens", MAX_TOKENS);
        JsonArray messages = new JsonArray();
        if (config.provider() == ScorerConfig.AiProvider.ANTHROPIC) {
            out.addProperty("system", system); // Anthropic takes the system prompt beside the messages, not as one
        } else {
            messages.add(message("system", system));
        }
        messages.add(message("user", user));
        out.add("messages", messages);
        return out;
    }

    /** The text of the model's answer; IllegalStateException, naming only the shape, when the body has none. */
    String answer(String body) {
        try {
            JsonObject root = JsonParser.parseString(body).getAsJsonObject();
            if (config.provider() == ScorerConfig.AiProvider.ANTHROPIC) {
                for (JsonElement block : root.getAsJsonArray("content")) {
                    JsonObject b = block.getAsJsonObject();
                    if ("text".equals(b.get("type").getAsString())) {
                        return b.get("text").getAsString();
                    }
                }
                throw new IndexOutOfBoundsException("no text block");
            }
            return root.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("message").get("content").getAsString();
        } catch (IllegalStateException | UnsupportedOperationException | NullPointerException | IndexOutOfBoundsException | JsonParseException
                 | ClassCastException e) {
            // The cause's text could echo the body; say only which shape was expected.
            throw new IllegalStateException("the " + config.provider().label() + " answer is not the documented response shape ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static JsonObject message(String role, String content) {
        JsonObject out = new JsonObject();
        out.addProperty("role", role);
        out.addProperty("content", content);
        return out;
    }
}
