package dev.vienna.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Where the CLI reads keys from: a file's text, or the body of an http(s) URL (audit-service's, warrant-service's). */
final class TextSources {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /**
     * The text of {@code source}, a file path or an http(s) URL.
     *
     * @throws IOException when the file cannot be read, or the URL cannot be fetched or answers other than 200
     */
    static String read(String source) throws IOException, InterruptedException {
        if (!source.startsWith("http://") && !source.startsWith("https://")) {
            return Files.readString(Path.of(source));
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder()
                    .connectTimeout(TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(source))
                                    .timeout(TIMEOUT)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IllegalArgumentException e) {
            throw new IOException("not a URL: " + e.getMessage(), e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(source + " answered " + response.statusCode());
        }
        return response.body();
    }

    private TextSources() {}
}
