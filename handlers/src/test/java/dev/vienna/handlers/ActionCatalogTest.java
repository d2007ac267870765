package dev.vienna.handlers;

import static dev.vienna.handlers.Fixtures.catalog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActionCatalogTest {

    private static final Map<String, String> EXAMPLE_ENV = Map.of(
            "VIENNA_HOME",
            "/opt/vienna",
            "VIENNA_DATA",
            "/var/lib/vienna",
            "DEMO_PORT",
            "8089",
            "ONCALL_TOKEN",
            "t0k3n");

    static String example() throws IOException {
        try (InputStream in = ActionCatalogTest.class.getResourceAsStream("/actions-example.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The first problem of {@code yaml}, as the loader reports it. */
    private static AbstractThrowableAssert<?, ? extends Throwable> loading(String yaml) {
        return loading(yaml, Map.of());
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> loading(String yaml, Map<String, String> env) {
        return assertThatThrownBy(() -> catalog(yaml, env)).isInstanceOf(ActionConfigException.class);
    }

    @Nested
    class GivenTheReadmeExample {

        @Test
        void shouldLoadEveryActionAndListTheSqlOneInactiveWithoutADatabase() throws IOException {
            ActionCatalog catalog = catalog(example(), EXAMPLE_ENV);

            assertThat(catalog.actions()).containsExactly("noop", "restart_service", "notify_oncall");
            assertThat(catalog.inactive())
                    .containsExactly(Map.entry(
                            "record_change", "needs a database; none is configured (quarkus.datasource.jdbc.url)"));
            assertThat(catalog.handlerFor("record_change")).isEmpty();
            assertThat(catalog.handlerFor("restart_service").orElseThrow().kind())
                    .isEqualTo("shell");
            assertThat(catalog.handlerFor("notify_oncall").orElseThrow().kind()).isEqualTo("http");
            assertThat(catalog.concurrency())
                    .containsEntry("shell", 4)
                    .containsEntry("http", 16)
                    .containsEntry("sql", 4);
        }

        @Test
        void shouldActivateTheSqlActionWhenADataSourceIsGiven() throws IOException {
            ActionCatalog catalog = catalog(example(), EXAMPLE_ENV, Optional.of(new UnusedDataSource()));

            assertThat(catalog.actions()).contains("record_change");
            assertThat(catalog.inactive()).isEmpty();
            assertThat(catalog.handlerFor("record_change").orElseThrow().kind()).isEqualTo("sql");
        }

        @Test
        void shouldNeverShowTheHeaderSecretInToString() throws IOException {
            ActionCatalog catalog = catalog(example(), EXAMPLE_ENV);

            assertThat(catalog.toString()).doesNotContain("t0k3n");
            assertThat(catalog.handlerFor("notify_oncall").orElseThrow().toString())
                    .doesNotContain("t0k3n")
                    .contains("Authorization");
        }

        @Test
        void shouldLoadTheSameFromAFile(@TempDir Path dir) throws IOException {
            Path file = Files.writeString(dir.resolve("actions.yaml"), example());

            ActionCatalog catalog = ActionCatalog.load(file, EXAMPLE_ENV::get, Optional.empty());

            assertThat(catalog.actions()).containsExactly("noop", "restart_service", "notify_oncall");
        }
    }

    @Test
    void shouldRejectAnUnknownHandlerKind() {
        loading("""
                actions:
                  restart_service:
                    handler: bash
                """).hasMessageStartingWith("actions.restart_service.handler: unknown handler kind 'bash'");
    }

    @Test
    void shouldRejectAnUnknownKeyInAnAction() {
        loading("""
                actions:
                  restart_service:
                    handler: shell
                    comand: ["/bin/true"]
                """).hasMessageStartingWith("actions.restart_service.comand: unknown key");
    }

    @Test
    void shouldRejectAnUnknownTopLevelKey() {
        loading("""
                action: {}
                """).hasMessageStartingWith("action: unknown key");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "command | handler: shell\\n    command: [\"/bin/echo\", \"{params.x}\"] "
                        + "| actions.a.command[1]: refers to params.x, which has no pattern under actions.a.args",
                "command resource | handler: shell\\n    command: [\"/bin/echo\", \"--name={resource}\"] "
                        + "| actions.a.command[1]: refers to resource, which has no pattern under actions.a.args",
                "path | handler: http\\n    method: GET\\n    baseUrl: http://127.0.0.1:1/\\n    path: /x/{params.x} "
                        + "| actions.a.path: refers to params.x, which has no pattern under actions.a.args",
                "body | handler: http\\n    method: POST\\n    baseUrl: http://127.0.0.1:1/\\n"
                        + "    body: { outer: { inner: [1, \"{params.x}\"] } } "
                        + "| actions.a.body.outer.inner[1]: refers to params.x, which has no pattern under actions.a.args",
                "headers | handler: http\\n    method: GET\\n    baseUrl: http://127.0.0.1:1/\\n"
                        + "    headers: { X-Why: \"because {params.x}\" } "
                        + "| actions.a.headers.X-Why: refers to params.x, which has no pattern under actions.a.args",
                "statement | handler: sql\\n    statement: \"SELECT :params.x\" "
                        + "| actions.a.statement: refers to params.x, which has no pattern under actions.a.args",
            })
    void shouldRejectAPlaceholderWithNoPattern(String where, String action, String message) {
        loading("actions:\n  a:\n    " + action.replace("\\n", "\n") + "\n    args: { params.y: \"[a-z]+\" }\n")
                .hasMessage(message);
    }

    @Test
    void shouldNotNeedPatternsForTheBuiltInPlaceholders() {
        ActionCatalog catalog = catalog("""
                actions:
                  a:
                    handler: shell
                    command: ["/bin/echo", "{warrant}", "{intent}", "{agent}", "{action}"]
                """);

        assertThat(catalog.actions()).containsExactly("a");
    }

    @Test
    void shouldRejectAPatternThatDoesNotCompile() {
        loading("""
                actions:
                  restart_service:
                    handler: shell
                    command: ["/bin/echo", "{resource}"]
                    args: { resource: "[a-z" }
                """).hasMessageStartingWith("actions.restart_service.args.resource: not a valid regular expression: ");
    }

    @Test
    void shouldRejectAnArgumentThatIsNeitherResourceNorAParam() {
        loading("""
                actions:
                  a:
                    handler: noop
                    args: { reason: "[a-z]+" }
                """).hasMessageStartingWith("actions.a.args.reason: not an argument");
    }

    @ParameterizedTest
    @CsvSource({"ten seconds", "10", "10h", "-5s", "0s"})
    void shouldRejectABadDuration(String duration) {
        loading("actions:\n  a:\n    handler: shell\n    command: [/bin/true]\n    timeout: " + duration + "\n")
                .hasMessageStartingWith("actions.a.timeout: ");
    }

    @Test
    void shouldAcceptEveryDurationForm() {
        ActionCatalog catalog = catalog("""
                actions:
                  a: { handler: shell, command: [/bin/true], timeout: 500ms }
                  b: { handler: shell, command: [/bin/true], timeout: 2m }
                  c: { handler: http, method: GET, baseUrl: "https://example.org/", timeout: PT10S, connectTimeout: 1s }
                """);

        assertThat(catalog.actions()).containsExactly("a", "b", "c");
    }

    @ParameterizedTest
    @CsvSource({"ftp://example.org/", "/hooks/", "example.org", "http:///nohost", "http://user:pw@example.org/"})
    void shouldRejectABaseUrlThatIsNotAbsoluteHttp(String baseUrl) {
        loading("actions:\n  a:\n    handler: http\n    method: GET\n    baseUrl: \"" + baseUrl + "\"\n")
                .hasMessageStartingWith("actions.a.baseUrl: ");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "handler: shell | actions.a.command: required",
                "handler: http\\n    method: GET | actions.a.baseUrl: required",
                "handler: http\\n    baseUrl: http://127.0.0.1/ | actions.a.method: required",
                "handler: sql | actions.a.statement: required",
                "command: [/bin/true] | actions.a.handler: required",
            })
    void shouldRejectAMissingRequiredKey(String action, String message) {
        loading("actions:\n  a:\n    " + action.replace("\\n", "\n") + "\n").hasMessage(message);
    }

    @Test
    void shouldRejectAnEmptyCommand() {
        loading("""
                actions:
                  a:
                    handler: shell
                    command: []
                """).hasMessageStartingWith("actions.a.command: must name the program");
    }

    @Test
    void shouldRejectAPlaceholderInTheProgram() {
        loading("""
                actions:
                  a:
                    handler: shell
                    command: ["/usr/local/bin/{resource}", "x"]
                    args: { resource: "[a-z]+" }
                """).hasMessageStartingWith("actions.a.command[0]: the program is never agent-chosen");
    }

    @Test
    void shouldRejectAnUnsetVariable() {
        loading("""
                actions:
                  a:
                    handler: shell
                    command: ["${VIENNA_HOME}/bin/restart"]
                """).hasMessage("actions.a.command[0]: refers to ${VIENNA_HOME}, which is not set");
    }

    @Test
    void shouldRejectAVariableWhereVariablesAreNotResolved() {
        loading("""
                actions:
                  a:
                    handler: http
                    method: GET
                    baseUrl: http://127.0.0.1/
                    path: /x/${HOME}
                """, Map.of("HOME", "/root"))
                .hasMessageStartingWith("actions.a.path: ${HOME}: environment references are resolved only in");
    }

    @Test
    void shouldRejectAnUnknownPlaceholder() {
        loading("""
                actions:
                  a:
                    handler: shell
                    command: ["/bin/echo", "{resorce}"]
                """).hasMessageStartingWith("actions.a.command[1]: unknown placeholder {resorce}");
    }

    @Test
    void shouldRejectAnUnsetHeaderSecretVariable() {
        loading("""
                actions:
                  a:
                    handler: http
                    method: POST
                    baseUrl: http://127.0.0.1/
                    headers:
                      Authorization: { env: ONCALL_TOKEN, prefix: "Bearer " }
                """).hasMessage("actions.a.headers.Authorization.env: ONCALL_TOKEN is not set");
    }

    @Test
    void shouldRejectAMissingHeaderSecretFile(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-secret");

        loading("actions:\n  a:\n    handler: http\n    method: POST\n    baseUrl: http://127.0.0.1/\n"
                        + "    headers:\n      Authorization: { file: \"" + missing + "\" }\n")
                .hasMessageStartingWith("actions.a.headers.Authorization.file: cannot read " + missing)
                .satisfies(e -> assertThat(((ActionConfigException) e).keyPath())
                        .isEqualTo("actions.a.headers.Authorization.file"));
    }

    @Test
    void shouldRejectAHeaderSecretTheClientCouldNotSendWithoutShowingIt() {
        loading("""
                actions:
                  a:
                    handler: http
                    method: POST
                    baseUrl: http://127.0.0.1/
                    headers:
                      Authorization: { env: ONCALL_TOKEN }
                """, Map.of("ONCALL_TOKEN", "tok\u0100en\n"))
                .hasMessage("actions.a.headers.Authorization.env: the secret holds a control character, a line break or"
                        + " a character beyond Latin-1")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("tok"));
    }

    @Test
    void shouldRejectAHeaderTheClientSetsItself() {
        loading("""
                actions:
                  a: { handler: http, method: GET, baseUrl: "http://127.0.0.1/", headers: { Host: evil.example } }
                """).hasMessageStartingWith("actions.a.headers.Host: is set by the HTTP client");
    }

    @Test
    void shouldRejectAPositionalMarkerAndAnUnknownBindInAStatement() {
        loading("""
                actions:
                  a: { handler: sql, statement: "SELECT * FROM t WHERE id = ?" }
                """).hasMessageStartingWith("actions.a.statement: holds a '?'");
        loading("""
                actions:
                  a: { handler: sql, statement: "SELECT * FROM t WHERE id = :id" }
                """).hasMessageStartingWith("actions.a.statement: unknown bind :id");
    }

    @Test
    void shouldRejectAnActionNameNoIntentCouldUse() {
        loading("""
                actions:
                  Restart-Service: { handler: noop }
                """).hasMessageStartingWith("actions.Restart-Service: not a valid action name");
    }

    @Test
    void shouldRejectLimitsForAnUnknownKindOrABadConcurrency() {
        loading("""
                limits: { ssh: { concurrency: 2 } }
                actions: {}
                """).hasMessageStartingWith("limits.ssh: unknown handler kind");
        loading("""
                limits: { shell: { concurrency: 0 } }
                actions: {}
                """).hasMessageStartingWith("limits.shell.concurrency: must be a whole number from 1 to");
    }

    @Test
    void shouldRejectYamlThatDoesNotParseOrRepeatsAKey() {
        loading("actions: [unclosed\n").hasMessageStartingWith("test.yaml: not valid YAML");
        loading("""
                actions:
                  a: { handler: noop }
                  a: { handler: noop }
                """).hasMessageContaining("not valid YAML").hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void shouldRejectAnEmptyFile() {
        loading("").hasMessage("actions: required (the file is empty)");
    }

    @Test
    void shouldReportAnUnreadableFileByItsPath(@TempDir Path dir) {
        Path missing = dir.resolve("actions.yaml");

        assertThatThrownBy(() -> ActionCatalog.load(missing, name -> null, Optional.empty()))
                .isInstanceOf(ActionConfigException.class)
                .hasMessageStartingWith(missing + ": cannot read the actions file");
    }

    @Test
    void shouldApplyDefaultConcurrencyForKindsWithoutLimits() {
        ActionCatalog catalog = catalog("""
                limits: { shell: { concurrency: 2 } }
                actions: { n: { handler: noop } }
                """);

        assertThat(catalog.concurrency())
                .containsExactlyInAnyOrderEntriesOf(Map.of("noop", 4, "shell", 2, "http", 16, "sql", 4));
    }

    /** A data source that is only ever passed along, never asked for a connection. */
    private static final class UnusedDataSource extends org.postgresql.ds.PGSimpleDataSource {
        private static final long serialVersionUID = 1L;

        @Override
        public Connection getConnection() {
            throw new AssertionError("not used by this test");
        }
    }
}
