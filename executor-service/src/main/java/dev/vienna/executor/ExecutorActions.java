package dev.vienna.executor;

import dev.vienna.handlers.ActionCatalog;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The actions this executor may run, loaded from {@code vienna.executor.actions-file} at start-up: an invalid file
 * stops the service naming the key at fault. SQL actions use the Quarkus datasource, active only when
 * {@code quarkus.datasource.jdbc.url} is set; without it they are listed as inactive and their warrants REJECTED.
 */
@ApplicationScoped
public class ExecutorActions {

    private static final Logger LOG = Logger.getLogger(ExecutorActions.class);

    @Inject
    ExecutorConfig config;

    @Inject
    Instance<AgroalDataSource> dataSources;

    private volatile ActionCatalog catalog;

    void load(@Observes StartupEvent event) {
        catalog();
    }

    /** The loaded catalog (loaded on first use). */
    public synchronized ActionCatalog catalog() {
        if (catalog == null) {
            Optional<DataSource> dataSource = ConfigProvider.getConfig()
                            .getOptionalValue("quarkus.datasource.jdbc.url", String.class)
                            .isPresent()
                    ? Optional.of(dataSources.get())
                    : Optional.empty();
            catalog = config.actionsFile()
                    .map(file -> ActionCatalog.load(file, System::getenv, dataSource))
                    .orElseGet(() ->
                            ActionCatalog.parse("actions: {}\n", "(no actions file)", System::getenv, dataSource));
            if (config.actionsFile().isEmpty()) {
                LOG.warn("no vienna.executor.actions-file: no action has a handler, every DIRECT warrant is REJECTED");
            }
            LOG.infof("actions: %s", catalog.actions());
            catalog.inactive().forEach((action, why) -> LOG.warnf("action %s is not active: %s", action, why));
        }
        return catalog;
    }
}
