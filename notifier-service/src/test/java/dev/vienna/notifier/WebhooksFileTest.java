package dev.vienna.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhooksFileTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Map<String, String> ENV = Map.of("SLACK_SECRET", SECRET);

    private static List<WebhookEndpoint> parse(String yaml) {
        return WebhooksFile.parse("webhooks.yaml", yaml, ENV::get);
    }

    private static List<String> problems(String yaml) {
        return catchThrowableOfType(WebhooksFile.Invalid.class, () -> parse(yaml))
                .problems();
    }

    @Test
    void shouldReadEveryEndpointWithItsEventsFormatAndKey() {
        List<WebhookEndpoint> endpoints = parse("""
                webhooks:
                  - name: pager
                    url: https://pager.example.com/hooks/vienna
                    secret: %s
                    events: [approval.pending, approval.expiring]
                  - name: ops-slack
                    url: http://127.0.0.1:9000/slack
                    secretEnv: SLACK_SECRET
                    events: "*"
                    format: slack
                  - name: unsigned-slack
                    url: https://hooks.slack.example/T000/B000
                    events: [agent.suspended]
                    format: slack
                """.formatted(SECRET));

        assertThat(endpoints).extracting(WebhookEndpoint::name).containsExactly("pager", "ops-slack", "unsigned-slack");
        WebhookEndpoint pager = endpoints.get(0);
        assertThat(pager.url()).isEqualTo(URI.create("https://pager.example.com/hooks/vienna"));
        assertThat(pager.format()).isEqualTo(WebhookEndpoint.Format.STANDARD);
        assertThat(pager.events())
                .containsExactlyInAnyOrder(NotificationKind.APPROVAL_PENDING, NotificationKind.APPROVAL_EXPIRING);
        assertThat(pager.key()).isEqualTo(WebhookSigner.keyOf(SECRET));
        assertThat(endpoints.get(1).events()).isEqualTo(EnumSet.allOf(NotificationKind.class));
        assertThat(endpoints.get(1).format()).isEqualTo(WebhookEndpoint.Format.SLACK);
        assertThat(endpoints.get(1).key()).isEqualTo(WebhookSigner.keyOf(SECRET));
        assertThat(endpoints.get(2).signed()).isFalse();
        assertThat(pager.toString()).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    @Test
    void shouldNameTheLineAndFieldOfEveryProblem() {
        List<String> problems = problems("""
                webhooks:
                  - name: pager
                    url: ftp://pager.example.com/
                    secret: %s
                    events: [approval.pending, approval.forgotten]
                    colour: red
                  - name: pager
                    url: https://b.example.com/
                    secret: %s
                    events: "*"
                    format: teams
                """.formatted(SECRET, SECRET));

        assertThat(problems).hasSize(4);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("line 6 (webhooks[0].colour): unknown key"));
        assertThat(problems)
                .contains(
                        "line 3 (webhooks[0].url): 'ftp://pager.example.com/' is not an http or https URL",
                        "line 5 (webhooks[0].events[1]): 'approval.forgotten' is not a notification type"
                                + " (approval.pending, approval.decided, approval.expiring, execution.violation,"
                                + " agent.suspended or \"*\")",
                        "line 11 (webhooks[1].format): 'teams' is not a format: standard or slack");
    }

    @Test
    void shouldRefuseDuplicateNamesMissingSecretsAndUnsetVariablesWithoutShowingASecret() {
        List<String> problems = problems("""
                webhooks:
                  - name: a
                    url: https://a.example.com/
                    events: "*"
                  - name: b
                    url: https://b.example.com/
                    secretEnv: NOT_SET_ANYWHERE
                    events: "*"
                  - name: c
                    url: https://c.example.com/
                    secret: whsec_c2hvcnQ=
                    events: "*"
                  - name: d
                    url: https://d.example.com/
                    secret: %s
                    events: "*"
                  - name: d
                    url: https://d2.example.com/
                    secret: %s
                    events: "*"
                """.formatted(SECRET, SECRET));

        assertThat(problems)
                .containsExactlyInAnyOrder(
                        "line 2 (webhooks[0].secret): missing: a standard endpoint needs secret or secretEnv (whsec_...)",
                        "line 7 (webhooks[1].secretEnv): the environment variable NOT_SET_ANYWHERE is not set",
                        "line 11 (webhooks[2].secret): the secret's key has 5 bytes, fewer than 16 (Standard Webhooks:"
                                + " 24 to 64 random bytes)",
                        "line 17 (webhooks[4].name): 'd' is the name of an endpoint above");
        assertThat(String.join("\n", problems)).doesNotContain("c2hvcnQ=").doesNotContain("MfKQ9r8");
    }

    @Test
    void shouldRefuseAFileThatIsNotYamlOrNotAList() {
        assertThat(problems("webhooks: [\n  - name: x\n"))
                .singleElement()
                .asString()
                .startsWith("line ")
                .contains("not valid YAML");
        assertThat(problems("webhooks:\n  name: x\n"))
                .containsExactly("line 1 (webhooks): must be a list of endpoints");
        assertThat(problems("hooks: []\n"))
                .containsExactlyInAnyOrder(
                        "line 1 (hooks): unknown key (expected only 'webhooks')",
                        "line 1 (webhooks): missing: the list of endpoints");
    }

    @Test
    void shouldTakeAnEmptyFileAsNoWebhooks() {
        assertThat(parse("")).isEmpty();
        assertThat(parse("webhooks: []\n")).isEmpty();
    }

    @Test
    void shouldRefuseAMissingFileByName(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("webhooks.yaml");
        assertThatThrownBy(() -> WebhooksFile.read(missing))
                .isInstanceOf(WebhooksFile.Invalid.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such file");

        Files.writeString(missing, "webhooks: []\n");
        assertThat(WebhooksFile.read(missing)).isEmpty();
    }
}
