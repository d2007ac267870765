package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vienna.events.KafkaAccess;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.LocalKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/k8s/vienna.yaml} against the code it deploys: a Strimzi {@code KafkaTopic} per topic of
 * {@link Topics#all()} with its configuration, a {@code KafkaUser} per principal of {@link KafkaAccess#services()}
 * granting exactly the ACLs the local broker grants ({@link LocalKafka#aclsOf}: one operation more or less fails), the
 * commented agent template likewise, and each service's Deployment authenticating as its own user over TLS and trusting
 * the operators' issuer.
 */
class KubernetesManifestTest {

    private static final Path MANIFEST = Path.of("k8s", "vienna.yaml");

    private static final String CLUSTER = "vienna-kafka";

    /** Where Strimzi publishes the cluster CA certificate: {@code ca.p12} and its password {@code ca.password}. */
    private static final String CLUSTER_CA_SECRET = CLUSTER + "-cluster-ca-cert";

    /** The topic setting of production's three replicas that {@link Topic#config()} leaves to the cluster. */
    private static final Map<String, String> PRODUCTION_TOPIC_CONFIG = Map.of("min.insync.replicas", "2");

    private static String manifest;
    private static List<JsonNode> documents;

    @BeforeAll
    static void parseTheManifest() throws IOException {
        manifest = Files.readString(MANIFEST);
        documents = parse(manifest);
    }

    @Test
    void shouldDeclareEveryTopicWithItsConfiguration() {
        Map<String, JsonNode> kafkaTopics = byName("KafkaTopic");

        assertThat(kafkaTopics.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        Topics.all().stream().map(Topic::name).toList());
        for (Topic<?> topic : Topics.all()) {
            JsonNode kafkaTopic = kafkaTopics.get(topic.name());
            Map<String, String> expected = new HashMap<>(PRODUCTION_TOPIC_CONFIG);
            expected.putAll(topic.config());
            assertThat(clusterOf(kafkaTopic))
                    .as("cluster of KafkaTopic %s", topic)
                    .isEqualTo(CLUSTER);
            assertThat(strings(kafkaTopic.at("/spec/config")))
                    .as("config of KafkaTopic %s", topic)
                    .isEqualTo(expected);
            assertThat(kafkaTopic.at("/spec/replicas").asInt())
                    .as("replicas of KafkaTopic %s", topic)
                    .isEqualTo(3);
        }
        assertThat(kafkaTopics.values().stream()
                        .map(t -> t.at("/spec/partitions").asInt())
                        .distinct())
                .as("partition counts (co-partitioning needs one)")
                .hasSize(1);
    }

    @Test
    void shouldGrantEveryPrincipalExactlyTheAclsOfItsAccess() {
        Map<String, JsonNode> users = byName("KafkaUser");

        assertThat(users.keySet()).containsExactlyInAnyOrderElementsOf(principals(KafkaAccess.services()));
        for (KafkaAccess access : KafkaAccess.services()) {
            assertGrantsExactly(users.get(access.principal()), access);
        }
    }

    @Test
    void shouldCarryAgentTemplatesGrantingOnlyWhatAnAgentMay() {
        List<JsonNode> templates = agentTemplates();
        KafkaAccess agent = KafkaAccess.agent("demo-agent");
        KafkaAccess feedAgent = KafkaAccess.passbackAgent("demo-feed-agent");
        Topic<?> feed = Topics.passbackFeed("demo-feed-agent");

        assertThat(templates)
                .extracting(t ->
                        t.path("kind").asText() + " " + t.at("/metadata/name").asText())
                .containsExactly(
                        "KafkaUser " + agent.principal(),
                        "KafkaTopic " + feed.name(),
                        "KafkaUser " + feedAgent.principal());
        assertGrantsExactly(templates.get(0), agent);
        Map<String, String> expected = new HashMap<>(PRODUCTION_TOPIC_CONFIG);
        expected.putAll(feed.config());
        assertThat(strings(templates.get(1).at("/spec/config")))
                .as("config of the feed")
                .isEqualTo(expected);
        assertThat(clusterOf(templates.get(1))).isEqualTo(CLUSTER);
        assertGrantsExactly(templates.get(2), feedAgent);
    }

    @Test
    void shouldRunEveryServiceAsItsOwnPrincipalOverTls() {
        Map<String, JsonNode> deployments = byName("Deployment");
        List<KafkaAccess> services = services();
        String bootstrap = bootstrapServers();

        assertThat(deployments.keySet()).containsExactlyInAnyOrderElementsOf(principals(services));
        for (KafkaAccess access : services) {
            String service = access.principal();
            JsonNode pod = deployments.get(service).at("/spec/template/spec");
            JsonNode container = container(pod, service);
            Map<String, EnvValue> env = environment(container);

            assertThat(env.get("VIENNA_KAFKA_PASSWORD"))
                    .as("%s's Kafka password", service)
                    .isEqualTo(EnvValue.secret(service, "password"));
            assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS"))
                    .as("%s's bootstrap servers", service)
                    .isEqualTo(EnvValue.literal(bootstrap));
            assertThat(env.get("KAFKA_SECURITY_PROTOCOL"))
                    .as("%s's security protocol", service)
                    .isEqualTo(EnvValue.literal("SASL_SSL"));
            assertTrustsTheClusterCa(service, pod, container, env, "KAFKA_SSL_TRUSTSTORE_");
            if (access.streamsApplicationId().isPresent()) {
                assertTrustsTheClusterCa(service, pod, container, env, "QUARKUS_KAFKA_STREAMS_SSL_TRUSTSTORE_");
                // each replica tells the others where its stores answer: its pod's address and its HTTP port
                int port = container.at("/readinessProbe/httpGet/port").asInt();
                assertThat(env.get("QUARKUS_KAFKA_STREAMS_APPLICATION_SERVER"))
                        .as("%s's application server", service)
                        .isEqualTo(EnvValue.literal("$(POD_IP):" + port));
                assertThat(env.get("POD_IP"))
                        .as("%s's POD_IP", service)
                        .isEqualTo(EnvValue.literal("fieldRef:status.podIP"));
            }
            assertThat(env.get("QUARKUS_HTTP_HOST"))
                    .as("%s's HTTP host", service)
                    .isEqualTo(EnvValue.literal("0.0.0.0"));
        }
    }

    @Test
    void shouldTrustTheOperatorsIssuerInEveryService() {
        Map<String, JsonNode> deployments = byName("Deployment");
        Set<Map<String, EnvValue>> trust = new HashSet<>();

        for (KafkaAccess access : services()) {
            String service = access.principal();
            JsonNode pod = deployments.get(service).at("/spec/template/spec");
            Map<String, EnvValue> env = environment(container(pod, service));
            Map<String, EnvValue> jwt = new LinkedHashMap<>();
            for (String name :
                    List.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES")) {
                assertThat(env.get(name)).as("%s's %s", service, name).isNotNull();
                assertThat(env.get(name).value()).as("%s's %s", service, name).isNotBlank();
                jwt.put(name, env.get(name));
            }
            assertThat(jwt.get("MP_JWT_VERIFY_AUDIENCES"))
                    .as("%s's token audience", service)
                    .isEqualTo(EnvValue.literal("vienna"));
            trust.add(jwt);
        }
        assertThat(trust)
                .as("the operators' issuer, the same for every service")
                .hasSize(1);
    }

    @Test
    void shouldTakeClientsOnlyWithScramOverTlsAndAuthorizeEveryRequestByAcl() {
        List<JsonNode> clusters = ofKind("Kafka");
        assertThat(clusters).as("Kafka resources").hasSize(1);
        JsonNode kafka = clusters.get(0);

        assertThat(kafka.at("/metadata/name").asText()).isEqualTo(CLUSTER);
        assertThat(kafka.at("/spec/zookeeper").isMissingNode()).as("ZooKeeper").isTrue();
        JsonNode listeners = kafka.at("/spec/kafka/listeners");
        assertThat(listeners.size()).as("listeners").isPositive();
        for (JsonNode listener : listeners) {
            assertThat(listener.path("tls").asBoolean())
                    .as("TLS on listener %s", listener.path("name").asText())
                    .isTrue();
            assertThat(listener.at("/authentication/type").asText())
                    .as("authentication on listener %s", listener.path("name").asText())
                    .isEqualTo("scram-sha-512");
        }
        assertThat(kafka.at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");
        assertThat(kafka.at("/spec/kafka/authorization/superUsers").size())
                .as("super users (none needed: see the manifest)")
                .isZero();
        assertThat(kafka.at("/spec/entityOperator/userOperator").isObject())
                .as("User Operator")
                .isTrue();
        assertThat(kafka.at("/spec/entityOperator/topicOperator").isObject())
                .as("Topic Operator")
                .isTrue();

        Set<String> roles = new HashSet<>();
        for (JsonNode pool : ofKind("KafkaNodePool")) {
            assertThat(clusterOf(pool)).isEqualTo(CLUSTER);
            pool.at("/spec/roles").forEach(role -> roles.add(role.asText()));
        }
        assertThat(roles).as("KRaft node roles").contains("controller", "broker");
    }

    private static void assertGrantsExactly(JsonNode user, KafkaAccess access) {
        String principal = access.principal();
        assertThat(clusterOf(user)).as("cluster of KafkaUser %s", principal).isEqualTo(CLUSTER);
        assertThat(user.at("/spec/authentication/type").asText())
                .as("authentication of KafkaUser %s", principal)
                .isEqualTo("scram-sha-512");
        assertThat(user.at("/spec/authorization/type").asText())
                .as("authorization of KafkaUser %s", principal)
                .isEqualTo("simple");
        assertThat(granted(user))
                .as("ACLs of KafkaUser %s", principal)
                .containsExactlyInAnyOrderElementsOf(new HashSet<>(LocalKafka.aclsOf(access)));
    }

    /** What a KafkaUser's {@code simple} authorization grants, as the User Operator writes it to the cluster. */
    private static Set<AclBinding> granted(JsonNode user) {
        String principal = "User:" + user.at("/metadata/name").asText();
        Set<AclBinding> acls = new HashSet<>();
        for (JsonNode rule : user.at("/spec/authorization/acls")) {
            JsonNode resource = rule.path("resource");
            ResourceType type =
                    ResourceType.valueOf(constantOf(resource.path("type").asText()));
            ResourcePattern pattern = new ResourcePattern(
                    type,
                    type == ResourceType.CLUSTER
                            ? "kafka-cluster"
                            : resource.path("name").asText(),
                    patternType(resource.path("patternType").asText("literal")));
            AclPermissionType permission =
                    AclPermissionType.valueOf(constantOf(rule.path("type").asText("allow")));
            List<String> operations = new ArrayList<>();
            rule.path("operations").forEach(operation -> operations.add(operation.asText()));
            if (rule.has("operation")) {
                operations.add(rule.get("operation").asText());
            }
            assertThat(operations)
                    .as("operations of %s on %s", principal, pattern)
                    .isNotEmpty();
            for (String operation : operations) {
                acls.add(new AclBinding(
                        pattern,
                        new AccessControlEntry(
                                principal,
                                rule.path("host").asText("*"),
                                AclOperation.valueOf(constantOf(operation)),
                                permission)));
            }
        }
        return acls;
    }

    /** Strimzi's camel case names ({@code transactionalId}, {@code IdempotentWrite}) as Kafka's enum constants. */
    private static String constantOf(String strimziName) {
        return strimziName.replaceAll("(?<=[a-z])(?=[A-Z])", "_").toUpperCase(Locale.ROOT);
    }

    private static PatternType patternType(String strimziName) {
        return switch (strimziName) {
            case "literal" -> PatternType.LITERAL;
            case "prefix" -> PatternType.PREFIXED;
            default -> throw new IllegalArgumentException("unknown patternType " + strimziName);
        };
    }

    /** The commented-out templates for agents: each run of comment lines from {@code # apiVersion:} on, uncommented. */
    private static List<JsonNode> agentTemplates() {
        List<String> lines = manifest.lines().toList();
        List<JsonNode> templates = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("# apiVersion: ")) {
                StringBuilder yaml = new StringBuilder();
                for (int j = i;
                        j < lines.size()
                                && lines.get(j).startsWith("#")
                                && !lines.get(j).equals("#");
                        j++) {
                    yaml.append(lines.get(j).replaceFirst("^# ?", "")).append('\n');
                }
                templates.addAll(parse(yaml.toString()));
            }
        }
        return templates;
    }

    /** The client listener's address: {@code <cluster>-kafka-bootstrap.<namespace>.svc:<port>}. */
    private static String bootstrapServers() {
        JsonNode kafka = ofKind("Kafka").get(0);
        JsonNode listeners = kafka.at("/spec/kafka/listeners");
        assertThat(listeners.size()).as("client listeners").isEqualTo(1);
        return "%s-kafka-bootstrap.%s.svc:%d"
                .formatted(
                        kafka.at("/metadata/name").asText(),
                        kafka.at("/metadata/namespace").asText(),
                        listeners.get(0).path("port").asInt());
    }

    /** The truststore settings under {@code prefix} name the cluster CA's {@code ca.p12}, mounted from its Secret. */
    private static void assertTrustsTheClusterCa(
            String service, JsonNode pod, JsonNode container, Map<String, EnvValue> env, String prefix) {
        EnvValue location = env.get(prefix + "LOCATION");
        assertThat(location).as("%s's %sLOCATION", service, prefix).isNotNull();
        assertThat(env.get(prefix + "TYPE")).as("%s's %sTYPE", service, prefix).isEqualTo(EnvValue.literal("PKCS12"));
        assertThat(env.get(prefix + "PASSWORD"))
                .as("%s's %sPASSWORD", service, prefix)
                .isEqualTo(EnvValue.secret(CLUSTER_CA_SECRET, "ca.password"));

        String file = location.value();
        JsonNode mount = null;
        for (JsonNode candidate : container.path("volumeMounts")) {
            if (file.startsWith(candidate.path("mountPath").asText() + "/")) {
                mount = candidate;
            }
        }
        assertThat(mount).as("%s's volume mount holding %s", service, file).isNotNull();
        String inVolume = file.substring(mount.path("mountPath").asText().length() + 1);
        JsonNode volume = null;
        for (JsonNode candidate : pod.path("volumes")) {
            if (candidate.path("name").asText().equals(mount.path("name").asText())) {
                volume = candidate;
            }
        }
        assertThat(volume).as("%s's volume %s", service, mount.path("name")).isNotNull();
        assertThat(volume.at("/secret/secretName").asText())
                .as("%s's truststore volume", service)
                .isEqualTo(CLUSTER_CA_SECRET);
        JsonNode items = volume.at("/secret/items");
        String key = inVolume;
        for (JsonNode item : items) {
            if (item.path("path").asText().equals(inVolume)) {
                key = item.path("key").asText();
            }
        }
        assertThat(key).as("%s's truststore file %s", service, file).isEqualTo("ca.p12");
    }

    /**
     * A container's environment as Kubernetes builds it: {@code envFrom} ConfigMaps (resolved from the manifest), then
     * {@code env}, which overrides them.
     */
    private static Map<String, EnvValue> environment(JsonNode container) {
        Map<String, JsonNode> configMaps = byName("ConfigMap");
        Map<String, EnvValue> env = new HashMap<>();
        for (JsonNode source : container.path("envFrom")) {
            if (!source.has("configMapRef")) {
                fail("an envFrom other than a ConfigMap: " + source);
            }
            String name = source.at("/configMapRef/name").asText();
            assertThat(configMaps).as("ConfigMaps").containsKey(name);
            strings(configMaps.get(name).path("data"))
                    .forEach((key, value) -> env.put(source.path("prefix").asText("") + key, EnvValue.literal(value)));
        }
        Set<String> names = new HashSet<>();
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            assertThat(names.add(name)).as("%s set once", name).isTrue();
            JsonNode secret = variable.at("/valueFrom/secretKeyRef");
            JsonNode configMap = variable.at("/valueFrom/configMapKeyRef");
            if (variable.has("value")) {
                env.put(name, EnvValue.literal(variable.get("value").asText()));
            } else if (secret.isObject()) {
                env.put(
                        name,
                        EnvValue.secret(
                                secret.path("name").asText(), secret.path("key").asText()));
            } else if (configMap.isObject()) {
                JsonNode source = configMaps.get(configMap.path("name").asText());
                assertThat(source).as("ConfigMap of %s", name).isNotNull();
                env.put(
                        name,
                        EnvValue.literal(source.path("data")
                                .path(configMap.path("key").asText())
                                .asText()));
            } else if (variable.at("/valueFrom/fieldRef").isObject()) {
                // the pod's own field, as "fieldRef:<path>"
                env.put(
                        name,
                        EnvValue.literal("fieldRef:"
                                + variable.at("/valueFrom/fieldRef/fieldPath").asText()));
            } else {
                fail("%s: neither a value nor a Secret or ConfigMap key: %s", name, variable);
            }
        }
        return env;
    }

    /** An environment variable: a literal value, or a Secret's key (never read here). */
    private record EnvValue(String value, String secret, String key) {
        static EnvValue literal(String value) {
            return new EnvValue(value, null, null);
        }

        static EnvValue secret(String secret, String key) {
            return new EnvValue(null, secret, key);
        }
    }

    private static JsonNode container(JsonNode pod, String name) {
        for (JsonNode container : pod.path("containers")) {
            if (container.path("name").asText().equals(name)) {
                return container;
            }
        }
        return fail("no container %s in %s", name, pod);
    }

    /** The services, which each have a Deployment: every principal but the auditors'. */
    private static List<KafkaAccess> services() {
        return KafkaAccess.services().stream()
                .filter(access -> !access.equals(KafkaAccess.AUDITOR))
                .toList();
    }

    private static List<String> principals(List<KafkaAccess> accesses) {
        return accesses.stream().map(KafkaAccess::principal).toList();
    }

    private static String clusterOf(JsonNode resource) {
        return resource.at("/metadata/labels/strimzi.io~1cluster").asText();
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> strings = new HashMap<>();
        object.properties()
                .forEach(field -> strings.put(field.getKey(), field.getValue().asText()));
        return strings;
    }

    private static List<JsonNode> ofKind(String kind) {
        return documents.stream()
                .filter(document -> document.path("kind").asText().equals(kind))
                .toList();
    }

    private static Map<String, JsonNode> byName(String kind) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode resource : ofKind(kind)) {
            String name = resource.at("/metadata/name").asText();
            assertThat(byName.put(name, resource))
                    .as("%s %s declared once", kind, name)
                    .isNull();
        }
        return byName;
    }

    private static List<JsonNode> parse(String yaml) {
        try (MappingIterator<JsonNode> iterator =
                new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(yaml)) {
            return iterator.readAll().stream()
                    .filter(document -> document != null && document.isObject())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
