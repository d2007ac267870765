package dev.vienna.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** policy-service settings ({@code vienna.policy.*}; environment: {@code VIENNA_POLICY_DIR} etc.). */
@ConfigMapping(prefix = "vienna.policy")
public interface PolicyConfig {

    /** Directory of the policy files (*.yaml); its tests/ folder holds the policy tests. */
    @WithDefault("policies")
    Path dir();

    /** How often the directory is checked for changes; a changed, valid set is active after at most this long. */
    @WithDefault("PT1S")
    Duration reloadInterval();

    /** This instance's name in policy activation events; default: host name and process id. */
    Optional<String> instanceId();
}
