package io.kubegpu.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.app.server.Server;
import io.kubegpu.app.server.ServerSettings;
import io.kubegpu.console.http.ConsoleSettings;
import io.kubegpu.console.view.TeamGroups;
import io.kubegpu.scorer.config.ScorerConfigLoader;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: Debian's chromium, headless, driven through chromedriver (both installed by
 * {@code scripts/chromium/install.sh}, as {@code .ci/run} does), against the server the README's first command starts —
 * the built-in sample cluster with the synthetic scorer — plus a team group. Every page loads without a console error
 * and shows the sample's numbers; what-if answers {@code 2(V100)} with the extender's node and {@code 1.5} with the
 * parser's message and column; a pending pod's page gives its reason. Each page is saved as a screenshot under
 * {@code target/console-screenshots} (and in {@code -Dconsole.screenshots=DIR}, which is how {@code docs/console/} is made).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Selenium looks for a DevTools binding of this chromium's version, which this test does not use: not worth a warning. */
    private static final java.util.logging.Logger DEVTOOLS = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");
    private static Server server;
    private static WebDriver browser;
    private static Path profile;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        List<String> binaries = install();
        DEVTOOLS.setLevel(Level.SEVERE);
        var scorer = new ServerSettings.ScorerRole(ServerSettings.Endpoint.loopback(0), ScorerConfigLoader.load(Map.of()), true);
        // A sample a second, so the Trends page has a line after a few seconds rather than a minute.
        var console = ServerSettings.ConsoleRole.defaults()
                .withSettings(ConsoleSettings.defaults().withSampling(Duration.ofSeconds(1), 3600))
                .withTeams(TeamGroups.parse(Map.of("research", "team-nlp,team-llm")));
        server = Server.start(ServerSettings.embedded().withScorer(scorer).withConsole(console));
        // The scorer's first analysis, so utilization (and the live part of what-if's ranking) is there from the first page.
        server.scorer().analyzer().firstAnalysis().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + server.consolePort() + "/";

        profile = Files.createTempDirectory("console-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binaries.get(0));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1440,1000", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(binaries.get(1))).usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(WAIT);
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** chromium and chromedriver, installed from Debian's packages when missing. */
    private static List<String> install() throws IOException, InterruptedException {
        Path script = Path.of("").toAbsolutePath().getParent().resolve("scripts/chromium/install.sh");
        Path log = Files.createTempFile("chromium-install", ".log");
        Process process = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(script + " failed:\n" + Files.readString(log));
        }
        List<String> lines = Files.readAllLines(log);
        return lines.subList(lines.size() - 2, lines.size());
    }

    /** Opens a page of the console and waits until it has rendered its data. */
    private static void open(String hash, String page) {
        browser.get(base + "#/" + hash);
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.attributeToBe(By.id("main"), "data-loaded", page));
    }

    private static WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    private static List<WebElement> all(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    /** The browser's console since the last call: warnings and errors, a refused script or style among them. */
    private static List<String> consoleMessages() {
        List<String> messages = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
                messages.add(entry.getLevel() + " " + entry.getMessage());
            }
        }
        return messages;
    }

    private static void assertNoConsoleErrors(String page) {
        assertThat(consoleMessages()).as("console messages of the %s page", page).isEmpty();
    }

    /** The whole page, not only the window: the window is made as tall as the page for the shot. */
    private static void screenshot(String name) throws IOException {
        Object height = ((ChromeDriver) browser).executeScript("return document.documentElement.scrollHeight");
        Dimension before = browser.manage().window().getSize();
        int chrome = before.getHeight() - ((Number) ((ChromeDriver) browser).executeScript("return window.innerHeight")).intValue();
        browser.manage().window().setSize(new Dimension(before.getWidth(), Math.min(4000, ((Number) height).intValue() + chrome)));
        Path shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
        browser.manage().window().setSize(before);
        Path dir = Path.of("target/console-screenshots");
        Files.createDirectories(dir);
        Files.copy(shot, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        String docs = System.getProperty("console.screenshots");
        if (docs != null && !docs.isBlank()) {
            Path out = Path.of(docs);
            Files.createDirectories(out);
            Files.copy(shot, out.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    @Order(1)
    void theClusterPageShowsEveryNodeAndCardOfTheSample() throws IOException {
        open("cluster", "cluster");
        assertThat(find("#stat-nodes .value").getText()).isEqualTo("10");
        assertThat(find("#stat-gpus .value").getText()).isEqualTo("58");
        assertThat(find("#stat-allocated .value").getText()).isEqualTo("17");
        assertThat(find("#stat-pending .value").getText()).isEqualTo("2");
        assertThat(find("#stat-utilization .value").getText()).endsWith("%");
        assertThat(all("#nodes tbody tr[data-node]")).hasSize(10);
        assertThat(all("#nodes tr[data-node='gpu-a100-80g-1'] .card.whole")).hasSize(8);
        assertThat(all("#nodes tr[data-node='gpu-t4-1'] .card.shared")).hasSize(2);
        assertThat(all("#nodes tr[data-node='gpu-l40s-1'] .card.unavailable")).hasSize(4);
        assertThat(find("#totals tr[data-model='T4']").getText()).contains("T4 2 8 0 2 6");
        assertThat(find("#page-range").getText()).isEqualTo("1–10 of 10 nodes");
        assertNoConsoleErrors("cluster");
        screenshot("cluster");

        new Select(find("#f-model")).selectByValue("T4");
        new WebDriverWait(browser, WAIT).until(d -> d.findElements(By.cssSelector("#nodes tbody tr[data-node]")).size() == 2);
        assertThat(all("#nodes tbody tr[data-node]")).extracting(row -> row.getDomAttribute("data-node")).containsExactly("gpu-t4-1", "gpu-t4-2");
        new Select(find("#f-model")).selectByValue("");
        new WebDriverWait(browser, WAIT).until(d -> d.findElements(By.cssSelector("#nodes tbody tr[data-node]")).size() == 10);
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.attributeToBe(By.id("main"), "data-loaded", "cluster"));
        new Select(find("#f-state")).selectByValue("cordoned");
        new WebDriverWait(browser, WAIT).until(d -> d.findElements(By.cssSelector("#nodes tbody tr[data-node]")).size() == 1);
        assertThat(find("#nodes tbody tr[data-node]").getDomAttribute("data-node")).isEqualTo("gpu-a10-1");
        assertNoConsoleErrors("filtered cluster");
    }

    @Test
    @Order(2)
    void theTeamsPageShowsWhatEachNamespaceAndGroupHolds() throws IOException {
        open("teams", "teams");
        assertThat(all("#teams tbody tr[data-team]")).extracting(row -> row.getDomAttribute("data-team"))
                .containsExactly("team-llm", "team-cv", "team-nlp", "pipeline", "team-speech");
        assertThat(find("#teams tr[data-team='team-llm']").getText()).contains("A100-80GB 8");
        // 4 whole A100s and an 8 GiB share of a T4 reporting 15 GiB usable.
        assertThat(find("#teams tr[data-team='team-cv'] td.num").getText()).isEqualTo("4.53");
        assertThat(find("#groups tr[data-team='research']").getText()).contains("team-nlp, team-llm");
        assertNoConsoleErrors("teams");
        screenshot("teams");
    }

    @Test
    @Order(3)
    void aPendingPodsPageShowsWhyItWaits() throws IOException {
        open("pending", "pending");
        assertThat(all("#pending tbody tr[data-pod]")).hasSize(2);
        assertThat(find("#pending tr[data-pod='team-cv/waiting-a100-80g'] .summary").getText())
                .isEqualTo("1 node: all GPUs in use; 10 other nodes never can (GPU model is not A100-80G)");
        assertThat(find("#pending tr[data-pod='team-llm/waiting-h100'] .summary").getText()).startsWith("fits now on gpu-h100-1");
        assertNoConsoleErrors("pending");
        screenshot("pending");

        find("#pending tr[data-pod='team-cv/waiting-a100-80g'] a").click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.attributeToBe(By.id("main"), "data-loaded", "pending-detail"));
        assertThat(find("#explanation").getText())
                .isEqualTo("1 node: all GPUs in use; it would fit on gpu-a100-80g-1 if team-llm/train-llama finished");
        assertThat(find("#reasons").getText()).contains("10 nodes: GPU model is not A100-80G");
        assertThat(all("#counterfactuals .counterfactual")).extracting(WebElement::getText)
                .containsExactly("would fit on gpu-a100-80g-1 if team-llm/train-llama finished");
        assertNoConsoleErrors("pending detail");
        screenshot("pending-detail");
    }

    @Test
    @Order(4)
    void whatIfAnswersWithTheExtendersNodeAndTheParsersError() throws IOException {
        open("whatif", "whatif");
        find("#w-request").sendKeys("2(V100)");
        find("#w-submit").click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.attributeToBe(By.id("main"), "data-answered", "true"));
        // The busier cube-v100-1 and the emptier gpu-v100-2 are the runners-up: the fragmentation policy and live load agree.
        assertThat(find("#w-node").getText()).isEqualTo("gpu-v100-1");
        assertThat(all("#w-runners tbody tr")).hasSize(2);
        assertNoConsoleErrors("what-if");
        screenshot("whatif");

        find("#w-request").clear();
        find("#w-request").sendKeys("1.5");
        find("#w-submit").click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.id("w-error")));
        assertThat(find("#w-error").getText()).contains("'1.5' is not a whole number of GPUs; use 2, or 0.5 for a share of one GPU")
                .contains("[FRACTIONAL_GPUS]").contains("^ column 1");
        // The API's 400 is the answer itself; the browser notes any 4xx of a fetch. Nothing else may appear.
        assertThat(consoleMessages()).singleElement().asString().contains("/api/v1/whatif?request=1.5").contains("status of 400");
        screenshot("whatif-error");
    }

    @Test
    @Order(5)
    void theTrendsPageChartsTheSamplesTaken() throws IOException {
        // Condition, not time: wait until the in-process history holds a few samples (one a second here).
        HttpClient http = HttpClient.newHttpClient();
        new FluentWait<>(http).withTimeout(WAIT).pollingEvery(Duration.ofMillis(200)).ignoring(IOException.class).until(client -> {
            try {
                String body = client.send(HttpRequest.newBuilder(URI.create(base + "api/v1/trends?hours=1")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                return com.google.gson.JsonParser.parseString(body).getAsJsonObject().getAsJsonArray("points").size() >= 5;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        open("trends", "trends");
        assertThat(all(".chart canvas")).hasSize(4);
        assertThat(find("#t-note").getText()).contains("memory");
        assertNoConsoleErrors("trends");
        screenshot("trends");

        new Select(find("#t-team")).selectByValue("research");
        new WebDriverWait(browser, WAIT).until(d -> d.findElements(By.cssSelector(".chart canvas")).size() == 3);
        assertNoConsoleErrors("team trends");
    }
}
