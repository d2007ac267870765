package dev.vienna.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void shouldSignTheStandardWebhooksSpecificationsExampleAsPublished() throws Exception {
        // the test vector of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks)
        byte[] key = WebhookSigner.keyOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String signature = WebhookSigner.sign(
                key,
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void shouldSignIdTimestampAndBodyAsAnIndependentHmacDoes() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        byte[] body = "{\"type\":\"approval.pending\",\"data\":{\"note\":\"grüße\"}}".getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = Base64.getEncoder()
                .encodeToString(mac.doFinal(("msg_1.1700000000." + new String(body, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8)));

        String signature = WebhookSigner.sign(key, "msg_1", 1700000000L, body);

        assertThat(signature).startsWith("v1,").isEqualTo("v1," + expected);
        assertThat(WebhookSigner.sign(key, "msg_2", 1700000000L, body))
                .as("another id")
                .isNotEqualTo(signature);
        assertThat(WebhookSigner.sign(key, "msg_1", 1700000001L, body))
                .as("another time")
                .isNotEqualTo(signature);
    }

    @Test
    void shouldReadTheKeyOfAWhsecSecret() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);

        assertThat(WebhookSigner.keyOf("whsec_" + Base64.getEncoder().encodeToString(key)))
                .isEqualTo(key);
    }

    @Test
    void shouldRefuseSecretsThatAreNotWhsecBase64OfEnoughBytes() {
        assertThatThrownBy(() -> WebhookSigner.keyOf("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .hasMessageContaining("whsec_");
        assertThatThrownBy(() -> WebhookSigner.keyOf("whsec_not base64!"))
                .hasMessageContaining("not base64")
                .hasMessageNotContaining("not base64!");
        assertThatThrownBy(
                        () -> WebhookSigner.keyOf("whsec_" + Base64.getEncoder().encodeToString(new byte[8])))
                .hasMessageContaining("8 bytes");
    }
}
