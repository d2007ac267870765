package dev.vienna.handlers;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body subscriber that keeps at most {@code max} bytes: once one byte more has arrived it cancels the
 * subscription (the rest is never read) and marks the body truncated. Being a subscriber rather than a blocking stream,
 * the request's deadline covers reading the body too.
 */
final class CappedBody implements HttpResponse.BodySubscriber<CappedBody.Result> {

    /** The kept bytes, and whether the response had more. */
    record Result(byte[] bytes, boolean truncated) {}

    private final int max;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(int max) {
        this.max = max;
    }

    @Override
    public CompletionStage<Result> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int room = max + 1 - kept.size();
            int take = Math.min(room, buffer.remaining());
            byte[] bytes = new byte[take];
            buffer.get(bytes);
            kept.write(bytes, 0, take);
            if (kept.size() > max) {
                subscription.cancel();
                byte[] all = kept.toByteArray();
                result.complete(new Result(java.util.Arrays.copyOf(all, max), true));
                return;
            }
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(new Result(kept.toByteArray(), false));
    }
}
