package dev.vienna.notifier;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver for the service under test, and the webhooks file that names it. Quarkus loads test resources and
 * tests in different class loaders, so what the receiver verified is shared through a JDK list in the system properties
 * ({@value #RECEIVED}): one {@code <webhook-id> <type> <verified>} entry per request.
 */
public class ReceiverResource implements QuarkusTestResourceLifecycleManager {

    static final String RECEIVED = "vienna.test.notifier.received";
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private WebhookReceiver receiver;

    @Override
    public Map<String, String> start() {
        List<String> received = new CopyOnWriteArrayList<>();
        System.getProperties().put(RECEIVED, received);
        try {
            receiver = new WebhookReceiver(
                    WebhookSigner.keyOf(SECRET),
                    attempt -> 204,
                    r -> received.add(r.id() + " " + r.json().path("type").asText() + " " + r.verified()));
            Path file = Files.createTempFile("webhooks-", ".yaml");
            Files.writeString(file, """
                    webhooks:
                      - name: receiver
                        url: %s
                        secret: %s
                        events: "*"
                    """.formatted(receiver.url(), SECRET));
            return Map.of("vienna.notifier.webhooks-file", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> received() {
        return (List<String>) System.getProperties().get(RECEIVED);
    }

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }
}
