package dev.vienna.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A notification as a Slack incoming-webhook message: {@code text} (the one-line summary Slack shows in alerts) and
 * {@code blocks} (the summary, the details as fields, and a link to the intent in the operators' console,
 * {@code <console-url>/intents/<intentId>}). Text from agents is escaped for Slack's mrkdwn ({@code & < >}).
 */
final class SlackMessages {

    private SlackMessages() {}

    static byte[] render(Notification notification, URI consoleUrl) {
        JsonNode data = notification.data();
        String summary = summary(notification);
        ObjectNode message = Notification.JSON.createObjectNode();
        message.put("text", escape(summary));
        ArrayNode blocks = message.putArray("blocks");
        section(blocks, "*" + escape(summary) + "*");
        ObjectNode fields = blocks.addObject().put("type", "section");
        ArrayNode list = fields.putArray("fields");
        data.properties().forEach(field -> {
            if (list.size() < 10 && !field.getKey().equals("reasons")) {
                String value = field.getValue().isValueNode()
                        ? field.getValue().asText()
                        : field.getValue().toString();
                list.addObject().put("type", "mrkdwn").put("text", "*" + field.getKey() + "*\n" + escape(value));
            }
        });
        if (data.path("reasons").isArray() && !data.path("reasons").isEmpty()) {
            StringBuilder reasons = new StringBuilder();
            data.path("reasons")
                    .forEach(
                            r -> reasons.append("• ").append(escape(r.asText())).append('\n'));
            section(blocks, reasons.toString().strip());
        }
        if (data.hasNonNull("intentId")) {
            String link = consoleUrl.toString().replaceAll("/+$", "") + "/intents/"
                    + URLEncoder.encode(data.get("intentId").asText(), StandardCharsets.UTF_8);
            section(
                    blocks,
                    "<" + link + "|Open intent " + escape(data.get("intentId").asText()) + " in the console>");
            message.put("text", escape(summary) + " " + link);
        }
        blocks.addObject()
                .put("type", "context")
                .putArray("elements")
                .addObject()
                .put("type", "mrkdwn")
                .put("text", notification.kind().type() + " · " + notification.timestamp() + " · " + notification.id());
        try {
            return Notification.JSON.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** One line: what happened, to what. */
    static String summary(Notification notification) {
        JsonNode d = notification.data();
        String subject = d.path("tier").asText("") + " " + d.path("action").asText("") + " on "
                + d.path("resource").asText("") + " by " + d.path("agentId").asText("");
        return switch (notification.kind()) {
            case APPROVAL_PENDING ->
                "Approval needed: " + subject + " ("
                        + d.path("requiredApprovals").asInt() + " approval(s) by "
                        + d.path("deadline").asText() + ")";
            case APPROVAL_EXPIRING ->
                "Approval expiring in " + d.path("expiresIn").asText() + ": " + subject;
            case APPROVAL_DECIDED ->
                d.path("outcome").asText() + ": " + subject
                        + (d.hasNonNull("reason") ? " (" + d.get("reason").asText() + ")" : "");
            case EXECUTION_VIOLATION ->
                "Execution VIOLATION on intent " + d.path("intentId").asText() + " (warrant "
                        + d.path("warrantId").asText() + ")";
            case AGENT_SUSPENDED ->
                "Agent " + d.path("agentId").asText() + " suspended by "
                        + d.path("suspendedBy").asText()
                        + (d.hasNonNull("reason") ? ": " + d.get("reason").asText() : "");
        };
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject()
                .put("type", "section")
                .putObject("text")
                .put("type", "mrkdwn")
                .put("text", mrkdwn);
    }

    /** Slack's mrkdwn escapes: only these three characters are control characters there. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
