package dev.vienna.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vienna.events.KafkaAccess;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.KafkaCredentials;
import dev.vienna.kafka.local.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The broker trusts nobody: without credentials, with a wrong password, or as another stage's principal, nobody writes
 * a topic it does not own. Each refusal is asserted with the broker's own error, and the record is shown absent.
 */
class KafkaAclTest {

    private static LocalKafka kafka;
    private static final Map<String, KafkaCredentials> PRINCIPALS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = LocalKafka.start(Files.createTempDirectory("vienna-acl-test"));
        kafka.createTopics(1);
        for (KafkaAccess access : KafkaAccess.services()) {
            PRINCIPALS.put(access.principal(), kafka.grant(access));
        }
        KafkaAccess agent = KafkaAccess.agent("demo-agent");
        PRINCIPALS.put(agent.principal(), kafka.grant(agent));
        // granting a passback agent creates its feed
        KafkaAccess feedAgent = KafkaAccess.passbackAgent("feed-agent");
        PRINCIPALS.put(feedAgent.principal(), kafka.grant(feedAgent));
    }

    private static final Topic<?> FEED = Topics.passbackFeed("feed-agent");

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static Map<String, Object> as(String principal) {
        return PRINCIPALS.get(principal).clientConfig(kafka.bootstrapServers());
    }

    /** Writes one record and waits for the broker's answer; the failure's cause, or null when it was written. */
    private static Throwable write(Map<String, Object> client, Topic<?> topic, String marker) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
        try (var producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topic.name(), marker.getBytes(), marker.getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return refusal(e.getCause());
        } catch (Exception e) {
            return refusal(e);
        }
    }

    /**
     * The broker's refusal behind a client failure. When the producer's InitProducerId is refused before {@code send}
     * runs, {@code send} throws the producer's "error state" KafkaException with the refusal as its cause, instead of
     * failing the future with it.
     */
    private static Throwable refusal(Throwable failure) {
        Throwable cause = failure;
        while (cause.getClass() == KafkaException.class && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static boolean present(Topic<?> topic, String marker) {
        return new KafkaProbe(kafka.adminClientConfig())
                .readRawToEnd(topic.name(), Duration.ofSeconds(20)).stream()
                        .anyMatch(r -> new String(r.key()).equals(marker));
    }

    static Stream<Arguments> otherStagesTopics() {
        return Stream.of(
                Arguments.of("intake-service", Topics.APPROVED),
                Arguments.of("policy-service", Topics.APPROVED),
                Arguments.of("warrant-service", Topics.APPROVAL_VOTES),
                Arguments.of("executor-service", Topics.APPROVAL_VOTES),
                Arguments.of("approval-service", Topics.WARRANTS),
                Arguments.of("intake-service", Topics.WARRANTS),
                Arguments.of("executor-service", Topics.AUDIT),
                Arguments.of("warrant-service", Topics.AUDIT),
                Arguments.of("vienna-auditor", Topics.AUDIT),
                Arguments.of("agent-demo-agent", Topics.APPROVED),
                Arguments.of("agent-demo-agent", Topics.APPROVAL_VOTES),
                Arguments.of("agent-demo-agent", Topics.WARRANTS),
                Arguments.of("agent-demo-agent", Topics.AUDIT),
                Arguments.of("agent-demo-agent", Topics.INTENTS),
                Arguments.of("agent-demo-agent", Topics.AGENTS),
                Arguments.of("agent-demo-agent", FEED),
                Arguments.of("agent-demo-agent", Topics.EXECUTIONS),
                Arguments.of("agent-feed-agent", Topics.EXECUTIONS),
                Arguments.of("agent-feed-agent", Topics.WARRANT_CLAIMS),
                Arguments.of("executor-service", FEED),
                // the notifier only tells people: it writes nothing a stage reads, and no stage writes its topic
                Arguments.of("notifier-service", Topics.APPROVED),
                Arguments.of("notifier-service", Topics.WARRANTS),
                Arguments.of("notifier-service", Topics.AUDIT),
                Arguments.of("notifier-service", Topics.AGENTS),
                Arguments.of("audit-service", Topics.NOTIFICATIONS),
                Arguments.of("intake-service", Topics.NOTIFICATIONS),
                Arguments.of("agent-demo-agent", Topics.NOTIFICATIONS));
    }

    @ParameterizedTest(name = "{0} may not write {1}")
    @MethodSource("otherStagesTopics")
    void shouldRefuseAPrincipalWritingAnotherStagesTopic(String principal, Topic<?> topic) {
        String marker = "forged-by-" + principal + "-" + UUID.randomUUID();
        // a principal that writes no topic at all is refused already as an idempotent producer (cluster level)
        assertThat(write(as(principal), topic, marker))
                .isInstanceOfAny(TopicAuthorizationException.class, ClusterAuthorizationException.class);
        assertThat(present(topic, marker)).isFalse();
    }

    @Test
    void shouldLetEachStageWriteWhatItOwns() {
        List<Map.Entry<String, Topic<?>>> owned = List.of(
                Map.entry("approval-service", Topics.APPROVED),
                Map.entry("approval-service", Topics.APPROVAL_VOTES),
                Map.entry("warrant-service", Topics.WARRANTS),
                Map.entry("audit-service", Topics.AUDIT),
                Map.entry("agent-demo-agent", Topics.INTENT_SUBMISSIONS),
                Map.entry("agent-demo-agent", Topics.EXECUTION_REPORTS),
                Map.entry("agent-feed-agent", FEED),
                Map.entry("intake-service", FEED));
        for (Map.Entry<String, Topic<?>> entry : owned) {
            String principal = entry.getKey();
            Topic<?> topic = entry.getValue();
            String marker = "owned-" + principal + "-" + topic.name() + "-" + UUID.randomUUID();
            assertThat(write(as(principal), topic, marker))
                    .as(principal + " -> " + topic)
                    .isNull();
            assertThat(present(topic, marker)).isTrue();
        }
    }

    @Test
    void shouldRefuseAClientWithoutCredentials() {
        Map<String, Object> anonymous = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        String marker = "anonymous-" + UUID.randomUUID();
        Throwable failure = write(anonymous, Topics.APPROVED, marker);
        assertThat(failure)
                .as("a PLAINTEXT client on the SASL listener gets no answer")
                .isNotNull();
        assertThat(present(Topics.APPROVED, marker)).isFalse();
    }

    @Test
    void shouldRefuseAWrongPassword() {
        Map<String, Object> impostor =
                new KafkaCredentials("approval-service", "guessed").clientConfig(kafka.bootstrapServers());
        String marker = "impostor-" + UUID.randomUUID();
        assertThat(write(impostor, Topics.APPROVED, marker)).isInstanceOf(SaslAuthenticationException.class);
        assertThat(present(Topics.APPROVED, marker)).isFalse();
    }

    @Test
    void shouldRefuseTheNotifierReadingAnythingButTheAuditLogAndItsOwnTopic() {
        Map<String, Object> config = new HashMap<>(as("notifier-service"));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "vienna-notifier-delivery");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // it learns of warrants from the audit log; the warrants themselves (tokens) are not its business
            consumer.subscribe(List.of(Topics.WARRANTS.name()));
            assertThatThrownBy(() -> {
                        for (int i = 0; i < 20; i++) {
                            consumer.poll(Duration.ofMillis(250));
                        }
                    })
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseReadingWhatAStageDoesNotRead() {
        Map<String, Object> config = new HashMap<>(as("intake-service"));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "vienna-intake");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // intake reads warrants (for passback agents) but never approvals
            consumer.subscribe(List.of(Topics.APPROVED.name()));
            assertThatThrownBy(() -> {
                        for (int i = 0; i < 20; i++) {
                            consumer.poll(Duration.ofMillis(250));
                        }
                    })
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseAServiceGrantingItselfMore() {
        try (Admin admin = Admin.create(as("intake-service"))) {
            AclBinding grab = new AclBinding(
                    new ResourcePattern(ResourceType.TOPIC, Topics.APPROVED.name(), PatternType.LITERAL),
                    new AccessControlEntry("User:intake-service", "*", AclOperation.WRITE, AclPermissionType.ALLOW));
            assertThatThrownBy(() -> admin.createAcls(List.of(grab)).all().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseAnAnonymousClientOnTheControllerListener() throws Exception {
        // the controller listener takes only the node's own identity: an anonymous admin never gets an answer
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, kafka.bootstrapControllers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 6000);
        AclBinding everything = new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL),
                new AccessControlEntry("User:ANONYMOUS", "*", AclOperation.ALL, AclPermissionType.ALLOW));
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.createAcls(List.of(everything)).all().get(15, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            assertThat(admin.describeAcls(everything.toFilter()).values().get()).isEmpty();
        }
    }

    @Test
    void shouldGiveEveryServiceExactlyTheAclsOfItsAccess() throws Exception {
        try (Admin admin = Admin.create(kafka.adminClientConfig())) {
            var bindings = admin.describeAcls(AclBindingFilter.ANY).values().get();
            Set<String> approvedWriters = new TreeSet<>();
            bindings.stream()
                    .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC
                            && b.pattern().name().equals(Topics.APPROVED.name())
                            && b.entry().operation() == AclOperation.WRITE)
                    .forEach(b -> approvedWriters.add(b.entry().principal()));
            assertThat(approvedWriters).containsExactly("User:approval-service");
            for (KafkaAccess access : KafkaAccess.services()) {
                String user = "User:" + access.principal();
                Set<AclBinding> described = bindings.stream()
                        .filter(b -> b.entry().principal().equals(user))
                        .collect(Collectors.toSet());
                assertThat(described).as("ACLs of %s", user).isEqualTo(Set.copyOf(LocalKafka.aclsOf(access)));
            }
        }
    }
}
