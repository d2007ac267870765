package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.client.ViennaClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The operators' console in headless Chromium, on the six packaged services, the console and the local OIDC server:
 * each operator signs in at the login page in a browser of its own and does what the console offers, and the tests read
 * what the pages show. The stack {@link TestStacks#shared} (with {@code ApprovalsEndToEndIT}); deploy-agent submits two
 * T3 deploys of checkout (two approvals, a justification, PASSBACK: they stop at WARRANTED, no agent runs them here).
 * Service logs: target/e2e-shared/stack.log; chromedriver logs, and the page and a screenshot of every open browser
 * when a test fails: target/e2e-console/browsers/.
 *
 * <p>With {@code -Dvienna.screenshots=docs/screenshots} (relative to the repository) the main pages are saved there as
 * PNGs, 1280x800: the README's screenshots are made this way.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path LOGS = Path.of("target", "e2e-console", "browsers");
    private static final Optional<Path> SCREENSHOTS = Optional.ofNullable(System.getProperty("vienna.screenshots"))
            .filter(s -> !s.isBlank())
            .map(REPOSITORY::resolve);
    private static final Set<String> WARRANTED_OR_LATER = Set.of("WARRANTED", "EXECUTED", "VERIFIED");

    private static final Map<String, ConsoleBrowser> browsers = new LinkedHashMap<>();
    private static ViennaStack stack;
    /** The deploy alice and bob approve. */
    private static String release;
    /** A second deploy, left pending: alice's second vote on it is refused. */
    private static String hotfix;

    /** When a test fails, every open browser's window and page are saved: what the test saw. */
    @RegisterExtension
    static final TestWatcher EVIDENCE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            browsers.values()
                    .forEach(b -> b.saveEvidence(context.getRequiredTestMethod().getName()));
        }
    };

    @BeforeAll
    static void startStack() throws Exception {
        assertThat(ConsoleBrowser.available())
                .as("the browser tests need " + ConsoleBrowser.CHROMIUM + " and " + ConsoleBrowser.CHROMEDRIVER
                        + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)")
                .isTrue();
        stack = TestStacks.shared();
        ViennaClient deployAgent = stack.client("deploy-agent");
        release = deployAgent.submit(deploy("v2.3.1", "release 2.3.1 fixes the payment timeout"));
        hotfix = deployAgent.submit(deploy("v2.3.2", "hotfix 2.3.2 for the coupon rounding"));
        for (String intentId : List.of(release, hotfix)) {
            deployAgent.awaitState(intentId, Set.of("PENDING_APPROVAL"), Duration.ofSeconds(90));
        }
    }

    @AfterAll
    static void closeBrowsers() {
        browsers.values().forEach(ConsoleBrowser::close);
    }

    private static Map<String, Object> deploy(String version, String justification) {
        return Map.of(
                "agentId",
                "deploy-agent",
                "action",
                "deploy_production",
                "resource",
                "checkout",
                "params",
                Map.of("version", version),
                "justification",
                justification,
                "owner",
                "carol");
    }

    /** {@code name}'s browser, started and signed in at the login page the first time. */
    private static ConsoleBrowser as(String name) {
        return browsers.computeIfAbsent(
                name, n -> ConsoleBrowser.start(n, stack.consoleUri(), LOGS).signIn());
    }

    private static By row(String intentId) {
        return By.cssSelector("#pending tr[data-intent='" + intentId + "']");
    }

    /** The text of the {@code dd} after the {@code dt} that says {@code term}. */
    private static String fact(ConsoleBrowser browser, String term) {
        return browser.driver()
                .findElement(By.xpath("//dt[normalize-space()='" + term + "']/following-sibling::dd[1]"))
                .getText();
    }

    @Test
    @Order(1)
    void shouldShowAViewerThePendingDeployWithoutVoteButtons() {
        // given vera, who may read approvals but not vote
        ConsoleBrowser vera = as("vera").open("/approvals");
        assertThat(vera.text("operator")).contains("vera").contains("viewer").contains("all tenants");

        // when the list shows the pending deploy (it updates itself)
        WebElement row = vera.await()
                .until(d -> d.findElements(row(release)).stream().findFirst().orElse(null));

        // then the row says what waits, and its detail page offers no vote
        assertThat(row.getText())
                .contains("T3", "deploy_production", "checkout", "deploy-agent", "for carol", "local")
                .contains("0 · 2 more needed");
        row.findElement(By.linkText("deploy_production")).click();
        vera.await().until(d -> vera.path().equals("/approvals/" + release));
        assertThat(vera.awaitText("status", s -> !s.isBlank())).isEqualTo("PENDING");
        assertThat(vera.text("no-vote")).contains("voting needs the approver role");
        assertThat(vera.has("approve")).isFalse();
        assertThat(vera.has("deny")).isFalse();
        assertThat(vera.has("vote-form")).isFalse();
    }

    @Test
    @Order(2)
    void shouldShowAnApproverOfAnotherTenantNothingOfTenantLocal() {
        // given tina, an approver limited to tenant acme, while tenant local's deploys are pending
        ConsoleBrowser tina = as("tina").open("/approvals");
        assertThat(tina.text("operator")).contains("tina").contains("acme");

        // then her list is empty, and local's intent does not exist for her
        assertThat(tina.text("no-pending")).isEqualTo("Nothing is waiting for operators in acme.");
        assertThat(tina.findAll(By.cssSelector("#pending tr[data-intent]"))).isEmpty();
        tina.open("/approvals/" + release);
        assertThat(tina.text("unavailable")).startsWith("404 Unknown intent").contains("outside your tenants");
        assertThat(tina.has("approve")).isFalse();
        tina.open("/intents/" + release);
        assertThat(tina.text("unavailable")).startsWith("404");
        assertThat(tina.has("state")).isFalse();
    }

    @Test
    @Order(3)
    void shouldShowTheAgentsOwnerWhySeparationOfDutiesRefusesHerVote() {
        // given carol, an approver, who owns deploy-agent
        ConsoleBrowser carol = as("carol").open("/approvals/" + release);

        // when she approves her own agent's deploy
        carol.await().until(d -> carol.find("approve").isEnabled());
        carol.find("reason").sendKeys("my agent, my release");
        carol.find("approve").click();

        // then the page shows the refusal and its reason, keeps what she typed, and counts no vote
        assertThat(carol.text("refusal"))
                .startsWith("Your vote was refused.")
                .contains("403 Separation of duties")
                .contains("carol");
        assertThat(carol.find("reason").getAttribute("value")).isEqualTo("my agent, my release");
        assertThat(carol.text("status")).isEqualTo("PENDING");
        assertThat(carol.text("no-votes")).isEqualTo("No votes yet.");
    }

    @Test
    @Order(4)
    void shouldApproveTheDeployWithTwoApproversAndShowAliceVoteLiveInBobsPage() {
        // given alice on the deploy's approval page, which explains why it waits
        ConsoleBrowser alice = as("alice").open("/approvals");
        alice.await()
                .until(d -> !d.findElements(row(release)).isEmpty()
                        && !d.findElements(row(hotfix)).isEmpty());
        assertThat(alice.overflowing()).as("what sticks out of the window").isEmpty();
        alice.screenshot(SCREENSHOTS, "approvals");
        alice.open("/approvals/" + release);
        assertThat(alice.text("risk-score")).matches("\\d+(\\.\\d+)? \\(score alone: T\\d\\)");
        assertThat(alice.findAll(By.cssSelector("#reasons li"))).isNotEmpty();
        assertThat(alice.text("rules")).contains("deploy-production");
        assertThat(fact(alice, "Decision")).isEqualTo("ALLOW, 2 approval(s) required");
        assertThat(alice.text("needed")).isEqualTo("2 approval(s)");
        assertThat(alice.awaitText("deadline", d -> d.contains("(in ")))
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(in [34]h \\d+m \\d+s\\)");
        assertThat(alice.text("justification")).isEqualTo("release 2.3.1 fixes the payment timeout");
        assertThat(alice.text("params")).contains("\"version\" : \"v2.3.1\"");
        assertThat(alice.text("digest"))
                .isEqualTo(
                        new ActionRequest("deploy-agent", "deploy_production", "checkout", "{\"version\":\"v2.3.1\"}")
                                .digest());

        // and bob on the same page, marked so that a reload would show
        ConsoleBrowser bob = as("bob").open("/approvals/" + release);
        assertThat(bob.text("no-votes")).isEqualTo("No votes yet.");
        bob.script("window.viennaNotReloaded = true;");

        // when alice approves with the keyboard only: reason, Tab to Approve, Enter
        alice.find("reason").sendKeys("release notes reviewed");
        new Actions(alice.driver()).sendKeys(Keys.TAB).perform();
        assertThat(alice.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("approve");
        new Actions(alice.driver()).sendKeys(Keys.ENTER).perform();

        // then her vote is recorded, and appears in bob's open page without his reloading it
        assertThat(alice.text("notice")).isEqualTo("Your APPROVE vote is recorded.");
        assertThat(alice.awaitText("votes", v -> v.contains("alice")))
                .contains("alice APPROVE at", "release notes reviewed");
        assertThat(bob.awaitText("votes", v -> v.contains("alice")))
                .contains("alice APPROVE at", "release notes reviewed");
        assertThat(bob.script("return window.viennaNotReloaded === true")).isEqualTo(true);
        assertThat(bob.awaitText("needed", n -> n.startsWith("1"))).isEqualTo("1 approval(s)");
        assertThat(bob.overflowing()).as("what sticks out of the window").isEmpty();
        bob.screenshot(SCREENSHOTS, "approval");

        // when bob approves too
        bob.find("reason").sendKeys("rollback plan tested");
        bob.find("approve").click();

        // then the intent is approved by both, with their reasons
        assertThat(bob.text("notice")).isEqualTo("Your APPROVE vote is recorded.");
        assertThat(bob.awaitText("status", "APPROVED"::equals)).isEqualTo("APPROVED");
        assertThat(bob.text("votes"))
                .contains("alice APPROVE", "release notes reviewed", "bob APPROVE", "rollback plan tested");
        assertThat(bob.text("outcome")).startsWith("APPROVED at").contains("alice, bob");
        assertThat(alice.awaitText("status", "APPROVED"::equals)).isEqualTo("APPROVED");
        // and a decided intent offers no vote any more
        bob.open("/approvals/" + release);
        assertThat(bob.text("status")).isEqualTo("APPROVED");
        assertThat(bob.has("approve")).isFalse();
    }

    @Test
    @Order(5)
    void shouldShowTheWarrantApprovedByAliceAndBobOnTheTimeline() {
        // given the approved deploy's timeline, as alice (an approver: claims, not the token)
        ConsoleBrowser alice = as("alice").open("/intents/" + release);

        // then it reaches WARRANTED, with both votes and the warrant decoded
        assertThat(alice.awaitText("state", WARRANTED_OR_LATER::contains)).isIn(WARRANTED_OR_LATER);
        assertThat(alice.text("events"))
                .contains("ApprovalVoteCast", "APPROVE by alice: release notes reviewed")
                .contains("APPROVE by bob: rollback plan tested")
                .contains("ApprovalDecided", "WarrantIssued");
        assertThat(alice.text("approved-by")).isEqualTo("alice, bob");
        assertThat(fact(alice, "Issued to")).startsWith("deploy-agent");
        assertThat(alice.text("signature")).isEqualTo("not shown: the warrant token is for auditors");

        // and an auditor, whose page has the token, sees its signature checked
        ConsoleBrowser audrey = as("audrey").open("/intents/" + release);
        assertThat(audrey.awaitText("state", WARRANTED_OR_LATER::contains)).isIn(WARRANTED_OR_LATER);
        assertThat(audrey.text("approved-by")).isEqualTo("alice, bob");
        assertThat(audrey.text("signature")).startsWith("verified with warrant-service's key");
        assertThat(audrey.overflowing()).as("what sticks out of the window").isEmpty();
        audrey.script("arguments[0].scrollIntoView({block: 'end'})", audrey.find("warrant"));
        audrey.screenshot(SCREENSHOTS, "intent");
    }

    @Test
    @Order(6)
    void shouldRefuseAliceSecondVoteOnTheSameIntent() {
        // given alice approved the hotfix once
        ConsoleBrowser alice = as("alice").open("/approvals/" + hotfix);
        alice.find("reason").sendKeys("hotfix reviewed");
        alice.find("approve").click();
        assertThat(alice.text("notice")).isEqualTo("Your APPROVE vote is recorded.");
        alice.awaitText("votes", v -> v.contains("alice APPROVE"));

        // when she votes again
        alice.find("reason").sendKeys("really reviewed");
        alice.find("approve").click();

        // then the second vote is refused, and only the first counts
        assertThat(alice.text("refusal")).contains("409 Operator already voted");
        assertThat(alice.text("status")).isEqualTo("PENDING");
        assertThat(alice.findAll(By.cssSelector("#votes li")))
                .singleElement()
                .satisfies(v -> assertThat(v.getText()).contains("alice APPROVE", "hotfix reviewed"));
        assertThat(alice.text("needed")).isEqualTo("1 approval(s)");
    }

    @Test
    @Order(7)
    void shouldShowThePolicysDecisionForTheExampleIntentInADryRun() {
        // given the policy page with its example intent (the demo's T3 deploy)
        ConsoleBrowser alice = as("alice").open("/policy");
        assertThat(alice.text("policy-version")).isNotBlank();
        assertThat(alice.find("intent").getAttribute("value")).contains("\"action\": \"deploy_production\"");

        // when alice asks for the decision
        alice.find("evaluate").click();

        // then the dry run shows it: allowed at T3 after two approvals, by the deploy-production rule
        String result = alice.text("dry-run-result");
        assertThat(result)
                .contains("Decision: ALLOW T3")
                .contains("2; justification required")
                .contains("PASSBACK")
                .contains("deploy-production");
        assertThat(alice.has("dry-run-refusal")).isFalse();
        assertThat(alice.overflowing()).as("what sticks out of the window").isEmpty();
        alice.script(
                "arguments[0].scrollIntoView({block: 'start'})",
                alice.driver().findElement(By.xpath("//h2[normalize-space()='Dry run']")));
        alice.screenshot(SCREENSHOTS, "policy");
    }

    @Test
    @Order(8)
    void shouldShowAnAuditorEveryChainVerifiedAndTellOthersItIsForAuditors() {
        // given audrey, an auditor, once audit-service has signed checkpoints of the run's chains
        ConsoleBrowser audrey = as("audrey").open("/audit");

        // then every chain's newest checkpoint verifies against the published keys
        assertThat(audrey.reloadUntil("audit-status", s -> !s.isBlank()))
                .isEqualTo("Every chain's newest checkpoint verifies.");
        List<WebElement> chains = audrey.findAll(By.cssSelector("#chains tbody tr"));
        assertThat(chains).isNotEmpty().allSatisfy(c -> assertThat(c.getText()).endsWith("signature verified"));
        assertThat(audrey.overflowing()).as("what sticks out of the window").isEmpty();
        audrey.screenshot(SCREENSHOTS, "audit");

        // and alice, who is no auditor, is told so
        ConsoleBrowser alice = as("alice").open("/audit");
        assertThat(alice.text("unavailable"))
                .isEqualTo("The audit chains are for auditors: your roles do not include auditor.");
        assertThat(alice.has("chains")).isFalse();
    }

    @Test
    @Order(9)
    void shouldStackThePendingListInANarrowWindow() {
        // given vera's window 420 px wide
        ConsoleBrowser vera = as("vera").resize(new Dimension(420, 800)).open("/approvals");
        try {
            // then the still pending hotfix's row is a stacked card whose action link is on screen
            WebElement row = vera.await()
                    .until(d -> d.findElements(row(hotfix)).stream().findFirst().orElse(null));
            WebElement link = row.findElement(By.linkText("deploy_production"));
            assertThat(link.isDisplayed()).isTrue();
            assertThat(link.getRect().getX() + link.getRect().getWidth()).isLessThanOrEqualTo(420);
            WebElement tier = row.findElement(By.cssSelector("td[data-label='Tier']"));
            WebElement action = link.findElement(By.xpath("./ancestor::td"));
            assertThat(action.getRect().getY())
                    .as("the action's cell is below the tier's, not beside it")
                    .isGreaterThanOrEqualTo(
                            tier.getRect().getY() + tier.getRect().getHeight());
            assertThat(action.getRect().getX()).isEqualTo(tier.getRect().getX());
            assertThat(vera.overflowing())
                    .as("what sticks out of the narrow window")
                    .isEmpty();
            vera.screenshot(SCREENSHOTS, "approvals-narrow");
            // and the link still leads to the approval
            link.click();
            vera.await().until(d -> vera.path().equals("/approvals/" + hotfix));
        } finally {
            vera.resize(ConsoleBrowser.WIDE);
        }
    }

    @Test
    @Order(10)
    void shouldSignOutAndAskForSignInAgain() {
        // given vera signed in
        ConsoleBrowser vera = as("vera").open("/approvals");

        // when she signs out
        vera.driver().findElement(By.linkText("Sign out")).click();

        // then the console says so, and the next page asks her to sign in again
        assertThat(vera.awaitText("main", t -> t.contains("signed out"))).contains("You are signed out");
        vera.find("sign-in").click();
        vera.await().until(d -> !d.findElements(By.id("login-vera")).isEmpty());
    }
}
