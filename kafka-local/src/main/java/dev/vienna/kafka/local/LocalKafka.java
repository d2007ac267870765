package dev.vienna.kafka.local;

import dev.vienna.events.KafkaAccess;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Apache Kafka cluster in KRaft mode that trusts nobody: either one node (combined broker and controller)
 * started in this JVM from Apache Kafka's own cluster kit ({@link #start}), or several such nodes each in a JVM of its
 * own ({@link #startCluster}), which can be killed and restarted one by one. Either way, clients authenticate with
 * SASL/SCRAM-SHA-512 and are authorized by ACLs (StandardAuthorizer; nothing is allowed without an ACL). Its one super
 * user, {@value #ADMIN}, gets a random password at every start, bootstrapped into the cluster's metadata before it
 * starts; {@link #grant} creates a principal with a random password and adds the ACLs of a {@link KafkaAccess}
 * ({@link #aclsOf}). {@link #createTopics} creates every Vienna topic with one partition count and its real
 * configuration (compacted audit, dead letters...).
 *
 * <p>One node means replication factor 1 everywhere and transactions allowed with one in-sync replica (Kafka Streams
 * runs exactly_once_v2); there are never auto-created topics. Both listeners are SASL_PLAINTEXT on localhost: the
 * client listener takes SCRAM-SHA-512, the controller listener (KRaft's own) only the nodes' own identity, whose
 * password is made anew at every start and is known only to this JVM and its nodes.
 *
 * <p>With three nodes or more, every topic (Vienna's, Kafka's own and Kafka Streams' internal ones) has three replicas
 * and takes a write once two have it ({@code min.insync.replicas=2}): one node can be lost without losing a write or
 * stopping one.
 */
public final class LocalKafka implements AutoCloseable {

    /** The super user: topic and ACL set-up, and the tests' and launcher's own probes. */
    public static final String ADMIN = "vienna-admin";

    /** The nodes' own identity on the controller listener. */
    private static final String CONTROLLER = "vienna-controller";

    private static final int SCRAM_ITERATIONS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KafkaClusterTestKit cluster;
    private final KafkaNodeProcesses processes;
    private final KafkaCredentials admin;
    private final short replicas;

    private LocalKafka(
            KafkaClusterTestKit cluster, KafkaNodeProcesses processes, KafkaCredentials admin, short replicas) {
        this.cluster = cluster;
        this.processes = processes;
        this.admin = admin;
        this.replicas = replicas;
    }

    /**
     * Formats {@code nodes} nodes under {@code dataDir} and starts each in a JVM of its own; returns once every one is
     * a registered broker. With three or more, topics get three replicas and two in sync.
     */
    public static LocalKafka startCluster(Path dataDir, int nodes) throws Exception {
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, not " + nodes);
        }
        KafkaCredentials admin = new KafkaCredentials(ADMIN, randomPassword());
        KafkaCredentials controller = new KafkaCredentials(CONTROLLER, randomPassword());
        short replicas = (short) Math.min(3, nodes);
        Map<String, String> settings = new HashMap<>(brokerSettings(replicas));
        settings.put("listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        settings.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        return new LocalKafka(
                null, KafkaNodeProcesses.start(dataDir, nodes, settings, admin, controller), admin, replicas);
    }

    /**
     * The brokers' settings but for listeners and the quorum: SCRAM for clients and between brokers, PLAIN for the
     * quorum, ACLs with nothing allowed by default, no auto-created topics, and {@code replicas} replicas (two in sync
     * once there are three) for every topic a client or Kafka itself creates.
     */
    private static Map<String, String> brokerSettings(short replicas) {
        String inSync = Integer.toString(replicas >= 3 ? 2 : 1);
        Map<String, String> settings = new HashMap<>();
        settings.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        settings.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        settings.put("sasl.mechanism.controller.protocol", "PLAIN");
        settings.put("authorizer.class.name", StandardAuthorizer.class.getName());
        settings.put("allow.everyone.if.no.acl.found", "false");
        settings.put("super.users", "User:" + ADMIN + ";User:" + CONTROLLER);
        settings.put("auto.create.topics.enable", "false");
        settings.put("default.replication.factor", Short.toString(replicas));
        settings.put("min.insync.replicas", inSync);
        settings.put("offsets.topic.replication.factor", Short.toString(replicas));
        settings.put("offsets.topic.num.partitions", "5");
        settings.put("transaction.state.log.replication.factor", Short.toString(replicas));
        settings.put("transaction.state.log.min.isr", inSync);
        settings.put("transaction.state.log.num.partitions", "5");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("log.cleaner.backoff.ms", "1000");
        return settings;
    }

    /** Formats {@code dataDir} and starts the broker; returns once it accepts clients. */
    public static LocalKafka start(Path dataDir) throws Exception {
        KafkaCredentials admin = new KafkaCredentials(ADMIN, randomPassword());
        KafkaCredentials controller = new KafkaCredentials(CONTROLLER, randomPassword());
        TestKitNodes nodes = new TestKitNodes.Builder(bootstrapMetadata(admin))
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setBaseDirectory(dataDir)
                .build();
        String clients = "listener.name." + nodes.brokerListenerName().value().toLowerCase(Locale.ROOT) + ".";
        String quorum =
                "listener.name." + nodes.controllerListenerName().value().toLowerCase(Locale.ROOT) + ".";
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        brokerSettings((short) 1).forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder
                // clients: SCRAM, with credentials in the cluster's metadata
                .setConfigProp(clients + "sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .setConfigProp(clients + "scram-sha-512.sasl.jaas.config", admin.jaasConfig())
                // the quorum: PLAIN with one node identity of this start (SCRAM cannot serve the controllers, whose
                // metadata holds the SCRAM credentials); without it any local process could act as a broker
                .setConfigProp(quorum + "sasl.enabled.mechanisms", "PLAIN")
                .setConfigProp(quorum + "plain.sasl.jaas.config", controller.plainServerJaasConfig())
                .setDeleteOnClose(true)
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new LocalKafka(cluster, null, admin, (short) 1);
    }

    /** The cluster's first metadata: its version and the super user's SCRAM credential, so it can log in at once. */
    private static BootstrapMetadata bootstrapMetadata(KafkaCredentials admin) throws NoSuchAlgorithmException {
        BootstrapMetadata defaults = BootstrapMetadata.fromVersion(MetadataVersion.latestProduction(), "vienna-local");
        ScramCredential credential = new ScramFormatter(
                        org.apache.kafka.common.security.scram.internals.ScramMechanism.SCRAM_SHA_512)
                .generateCredential(admin.password(), SCRAM_ITERATIONS);
        List<ApiMessageAndVersion> records = new ArrayList<>(defaults.records());
        records.add(new ApiMessageAndVersion(
                new UserScramCredentialRecord()
                        .setName(admin.principal())
                        .setMechanism(ScramMechanism.SCRAM_SHA_512.type())
                        .setSalt(credential.salt())
                        .setStoredKey(credential.storedKey())
                        .setServerKey(credential.serverKey())
                        .setIterations(credential.iterations()),
                (short) 0));
        return BootstrapMetadata.fromRecords(records, "vienna-local");
    }

    public String bootstrapServers() {
        return cluster != null ? cluster.bootstrapServers() : processes.bootstrapServers();
    }

    /** The controller listener (KRaft's own; clients have no business there: tests show it refuses them). */
    public String bootstrapControllers() {
        return cluster != null ? cluster.bootstrapControllers() : processes.bootstrapControllers();
    }

    /** How many nodes the cluster has; they are numbered from 0. */
    public int nodes() {
        return cluster != null ? 1 : processes.size();
    }

    /** How many replicas each topic has. */
    public short replicas() {
        return replicas;
    }

    /** Whether node {@code id}'s process runs. */
    public boolean isRunning(int id) {
        return cluster != null ? id == 0 : processes.isRunning(id);
    }

    /** The operating-system process id of node {@code id}, which runs in a JVM of its own ({@link #startCluster}). */
    public long pid(int id) {
        return ownProcesses().pid(id);
    }

    /** How node {@code id}'s process ended, once it has ({@link #startCluster} only). */
    public int exitCode(int id) {
        return ownProcesses().exitCode(id);
    }

    /** SIGKILL to node {@code id} ({@link #startCluster} only); returns once its process has ended. */
    public void kill(int id) throws InterruptedException {
        ownProcesses().kill(id);
    }

    /** Starts killed node {@code id} again on its own log and ports; returns once it is a registered broker again. */
    public void restart(int id) throws IOException, InterruptedException {
        ownProcesses().restart(id);
    }

    private KafkaNodeProcesses ownProcesses() {
        if (processes == null) {
            throw new IllegalStateException("this broker runs inside this JVM: start it with startCluster to kill it");
        }
        return processes;
    }

    /** The super user's credentials. */
    public KafkaCredentials admin() {
        return admin;
    }

    /** Client settings (bootstrap servers and SASL) for the super user. */
    public Map<String, Object> adminClientConfig() {
        return admin.clientConfig(bootstrapServers());
    }

    /**
     * Creates {@code access}'s principal with a new random password (or gives an existing one a new password) and adds
     * its ACLs ({@link #aclsOf}; bindings the principal already has are kept); returns its credentials.
     */
    public KafkaCredentials grant(KafkaAccess access) throws InterruptedException, ExecutionException {
        return grant(adminClientConfig(), access);
    }

    /** The same on any cluster whose super user (or a principal allowed to alter users and ACLs) {@code admin} is. */
    public static KafkaCredentials grant(Map<String, Object> admin, KafkaAccess access)
            throws InterruptedException, ExecutionException {
        KafkaCredentials credentials = new KafkaCredentials(access.principal(), randomPassword());
        try (Admin kafka = Admin.create(admin)) {
            kafka.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            credentials.principal(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                            credentials.password())))
                    .all()
                    .get();
            kafka.createAcls(aclsOf(access)).all().get();
            createOwnTopics(kafka, access);
        }
        return credentials;
    }

    /**
     * Creates the topics of {@code access} that are not pipeline topics ({@link Topics#all()}, made with the cluster)
     * and do not exist yet: an agent's passback feed. The broker's default partition count and replication apply.
     */
    private static void createOwnTopics(Admin kafka, KafkaAccess access)
            throws InterruptedException, ExecutionException {
        Set<String> existing = kafka.listTopics().names().get();
        List<NewTopic> own = java.util.stream.Stream.concat(access.writes().stream(), access.reads().stream())
                .filter(t -> !Topics.all().contains(t) && !existing.contains(t.name()))
                .distinct()
                .map(t -> new NewTopic(t.name(), Optional.empty(), Optional.empty()).configs(new HashMap<>(t.config())))
                .toList();
        createKeepingExisting(kafka, own);
    }

    /** The ACL bindings a {@link KafkaAccess} stands for. */
    public static List<AclBinding> aclsOf(KafkaAccess access) {
        String user = "User:" + access.principal();
        List<AclBinding> acls = new ArrayList<>();
        for (Topic<?> topic : access.writes()) {
            acls.add(allow(user, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.WRITE));
            acls.add(allow(user, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        for (Topic<?> topic : access.reads()) {
            acls.add(allow(user, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(user, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        for (String prefix : access.writePrefixes()) {
            acls.add(allow(user, ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.WRITE));
            acls.add(allow(user, ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.DESCRIBE));
        }
        access.group()
                .ifPresent(group ->
                        acls.add(allow(user, ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.READ)));
        access.streamsApplicationId().ifPresent(appId -> {
            acls.add(allow(user, ResourceType.GROUP, appId, PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(user, ResourceType.TOPIC, appId + "-", PatternType.PREFIXED, AclOperation.ALL));
            acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, appId, PatternType.PREFIXED, AclOperation.WRITE));
            acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, appId, PatternType.PREFIXED, AclOperation.DESCRIBE));
        });
        return acls;
    }

    private static AclBinding allow(
            String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(user, "*", operation, AclPermissionType.ALLOW));
    }

    /** Creates every topic of {@link Topics#all()} with {@code partitions} partitions; existing ones are kept. */
    public void createTopics(int partitions) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(adminClientConfig())) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = Topics.all().stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> newTopic(t, partitions))
                    .toList();
            createKeepingExisting(admin, missing);
        }
    }

    /** Creates the topics; one that another client created meanwhile is kept as it is. */
    private static void createKeepingExisting(Admin admin, List<NewTopic> topics)
            throws InterruptedException, ExecutionException {
        try {
            admin.createTopics(topics).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private NewTopic newTopic(Topic<?> topic, int partitions) {
        return new NewTopic(topic.name(), partitions, replicas).configs(new HashMap<>(topic.config()));
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        if (processes != null) {
            processes.close();
            return;
        }
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
