package dev.vienna.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One operator's browser on the console: a headless Chromium of its own (its own profile, so its own session cookies),
 * signed in at the local OIDC server's login page as a local operator. Uses the machine's {@code /usr/bin/chromium} and
 * {@code /usr/bin/chromedriver} (Debian's {@code chromium} and {@code chromium-driver}; {@code .ci/run} installs them),
 * named explicitly so that Selenium Manager never looks for a browser or a driver to download.
 *
 * <p>Every wait is a {@link WebDriverWait} on what the page shows; {@link #screenshot} saves PNGs when the test asks.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("vienna.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("vienna.chromedriver", "/usr/bin/chromedriver"));
    static final Dimension WIDE = new Dimension(1280, 800);
    static final Duration WAIT = Duration.ofSeconds(30);

    private final String operator;
    private final URI console;
    private final Path profile;
    private final Path logs;
    private final ChromeDriver driver;

    private ConsoleBrowser(String operator, URI console, Path profile, Path logs, ChromeDriver driver) {
        this.operator = operator;
        this.console = console;
        this.profile = profile;
        this.logs = logs;
        this.driver = driver;
    }

    /** Starts a fresh Chromium for {@code operator} (not signed in yet); chromedriver's log goes to {@code logs}. */
    static ConsoleBrowser start(String operator, URI console, Path logs) {
        try {
            Files.createDirectories(logs);
            Path profile = Files.createTempDirectory("vienna-chromium-" + operator + "-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--user-data-dir=" + profile,
                    "--window-size=" + WIDE.getWidth() + "," + WIDE.getHeight());
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .withLogFile(
                            logs.resolve("chromedriver-" + operator + ".log").toFile())
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(WAIT);
            return new ConsoleBrowser(operator, console, profile, logs, driver).resize(WIDE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether this machine has the browser and its driver (else the browser tests cannot run). */
    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    ChromeDriver driver() {
        return driver;
    }

    /**
     * Opens the console, which sends this browser to the OIDC server's login page; clicks {@code #login-<operator>} and
     * waits until the console shows the operator signed in.
     */
    ConsoleBrowser signIn() {
        try {
            driver.get(console.resolve("/approvals").toString());
            WebElement button = await().until(ExpectedConditions.elementToBeClickable(By.id("login-" + operator)));
            button.click();
            await().withMessage(() -> operator + " is not signed in: the browser shows " + driver.getCurrentUrl())
                    .until(d -> d.getCurrentUrl().startsWith(console.toString())
                            && textOrNothing("operator")
                                    .filter(t -> t.split("\\s+")[0].equals(operator))
                                    .isPresent());
            return this;
        } catch (TimeoutException e) {
            saveEvidence("sign-in");
            close();
            throw e;
        }
    }

    /** Opens a console page ({@code /approvals/...}) and waits until it has loaded. */
    ConsoleBrowser open(String path) {
        driver.get(console.resolve(path).toString());
        await().until(d -> "complete".equals(script("return document.readyState")));
        return this;
    }

    /** The path of the page shown (without the query). */
    String path() {
        return URI.create(driver.getCurrentUrl()).getPath();
    }

    WebElement find(String id) {
        return driver.findElement(By.id(id));
    }

    List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    boolean has(String id) {
        return !driver.findElements(By.id(id)).isEmpty();
    }

    /** The text of element {@code id} once it is there. */
    String text(String id) {
        return await().until(ExpectedConditions.presenceOfElementLocated(By.id(id)))
                .getText();
    }

    /** Waits until element {@code id} is there and its text passes {@code wanted}; answers that text. */
    String awaitText(String id, Predicate<String> wanted) {
        return await().withMessage(() -> "#" + id + " on " + driver.getCurrentUrl() + " shows "
                        + textOrNothing(id).map(t -> '"' + t + '"').orElse("nothing"))
                .until(d -> textOrNothing(id).filter(wanted).orElse(null));
    }

    /**
     * Reloads the page until element {@code id} shows a text that passes {@code wanted}: for what a page shows only
     * when loaded again (the pipeline behind it moves on asynchronously).
     */
    String reloadUntil(String id, Predicate<String> wanted) {
        return await().withMessage(() -> "#" + id + " on " + driver.getCurrentUrl() + " never showed what was wanted")
                .pollingEvery(Duration.ofMillis(750))
                .until(d -> {
                    Optional<String> shown = textOrNothing(id).filter(wanted);
                    if (shown.isEmpty()) {
                        d.navigate().refresh();
                    }
                    return shown.orElse(null);
                });
    }

    private Optional<String> textOrNothing(String id) {
        try {
            return driver.findElements(By.id(id)).stream().findFirst().map(WebElement::getText);
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return Optional.empty(); // replaced by a live update while read: read it again next time
        }
    }

    /**
     * What sticks out of the window on the right when the page is wider than the window (it scrolls sideways); empty
     * when it fits. Each as {@code tag#id.class right=<px>}, the first ten.
     */
    List<String> overflowing() {
        Object found = script("""
                var width = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth <= width) return [];
                var out = [];
                document.querySelectorAll('body *').forEach(function (e) {
                  var r = e.getBoundingClientRect();
                  if (r.right > width + 1 && out.length < 10) {
                    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : '')
                        + ' right=' + Math.round(r.right));
                  }
                });
                return out.length ? out : ['the page is ' + document.documentElement.scrollWidth + ' px wide'];
                """);
        return ((List<?>) found).stream().map(String::valueOf).toList();
    }

    /** Runs a script in the page. */
    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Makes the page's viewport {@code size}: what a screenshot shows and what CSS media queries see (headless Chromium
     * still counts a window frame of its own, so the window is made larger by the difference).
     */
    ConsoleBrowser resize(Dimension size) {
        driver.manage().window().setSize(size);
        Dimension viewport = viewport();
        driver.manage()
                .window()
                .setSize(new Dimension(
                        2 * size.getWidth() - viewport.getWidth(), 2 * size.getHeight() - viewport.getHeight()));
        await().until(d -> viewport().equals(size));
        return this;
    }

    Dimension viewport() {
        Object inner = script("return [window.innerWidth, window.innerHeight]");
        List<?> sides = (List<?>) inner;
        return new Dimension(((Number) sides.get(0)).intValue(), ((Number) sides.get(1)).intValue());
    }

    WebDriverWait await() {
        WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(200));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /**
     * Saves what the window shows as {@code <name>.png} into {@code dir}; does nothing when {@code dir} is empty (the
     * tests save screenshots only when asked: {@code -Dvienna.screenshots=docs/screenshots}).
     */
    void screenshot(Optional<Path> dir, String name) {
        if (dir.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(dir.get());
            Files.write(dir.get().resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Saves the window and the page's HTML under the logs directory: what a failed test saw. */
    void saveEvidence(String name) {
        try {
            screenshot(Optional.of(logs), operator + "-" + name);
            Files.writeString(logs.resolve(operator + "-" + name + ".html"), driver.getPageSource());
        } catch (RuntimeException | IOException e) {
            // evidence is a courtesy: a browser that is gone has nothing to show
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
