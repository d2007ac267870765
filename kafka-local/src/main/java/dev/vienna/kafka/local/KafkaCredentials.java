package dev.vienna.kafka.local;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/** A Kafka principal's SASL/SCRAM-SHA-512 credentials, and the client settings that use them. */
public record KafkaCredentials(String principal, String password) {

    /** The {@code sasl.jaas.config} value that logs in as this principal. */
    public String jaasConfig() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + principal
                + "\" password=\"" + password + "\";";
    }

    /**
     * A broker's PLAIN login that accepts only this principal: its own client login and the one user it knows (for a
     * listener whose only clients are the cluster's own nodes).
     */
    String plainServerJaasConfig() {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + principal
                + "\" password=\"" + password + "\" user_" + principal + "=\"" + password + "\";";
    }

    /** Client settings for {@code bootstrapServers}: SASL_PLAINTEXT, SCRAM-SHA-512, this principal. */
    public Map<String, Object> clientConfig(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig());
        return config;
    }

    /** The same as a Kafka client properties file ({@code --command-config}, {@code ./vienna audit --config}). */
    public String clientProperties(String bootstrapServers) {
        StringBuilder file = new StringBuilder();
        new TreeMap<>(clientConfig(bootstrapServers))
                .forEach((key, value) ->
                        file.append(key).append('=').append(value).append('\n'));
        return file.toString();
    }

    @Override
    public String toString() {
        return "KafkaCredentials[" + principal + ", password hidden]";
    }
}
