package dev.switchboard.cli;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.job.JobConfig;
import dev.switchboard.job.SwitchboardJob;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.testkit.EmbeddedKafka;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page in a real browser (Debian's headless {@code chromium} through {@code chromedriver}; install both with
 * {@code apt-get install chromium chromium-driver}), against the gateway and the job on a real broker: a visitor
 * opens {@code /chat/support}, asks about an order, gives its number and sees the reply with its markup rendered as
 * elements; a message with {@code <script>} shows as text and runs nothing; a Chinese page gets Chinese. Screenshots
 * at desktop and phone widths go to {@code target/screenshots/} (the README's are copies under {@code docs/}).
 */
class WebChatBrowserITCase {

    @Test
    void aVisitorConversesWithTheBotInTheBrowser(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Topics topics = new Topics("browser.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 1);
            JobConfig config = JobConfig.parse(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    "--parallelism", "1", "--checkpoint-interval", "1s", "--checkpoint-dir", tmp.toUri().toString(),
                    "--partition-discovery-interval", "1s"));
            JobClient job = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(SwitchboardJob.jobConfiguration(config)),
                    config).executeAsync("web-chat-browser");
            WebDriver english = null;
            WebDriver chinese = null;
            try (Gateway gateway = Gateway.start(new Gateway.Settings(kafka.bootstrapServers(), topics,
                    new BotSettings(Map.of("support.web.jwt-secret", "browser-test-secret-of-32-bytes-or-more")), 0,
                    Gateway.Settings.DEFAULT_MAX_BODY, null, Map.of(), System::currentTimeMillis))) {
                gateway.serveWeb(true);
                String url = "http://127.0.0.1:" + gateway.port() + "/chat/support";
                Path shots = Files.createDirectories(Path.of("target/screenshots"));

                english = browser("en-US");
                english.manage().window().setSize(new Dimension(1280, 800));
                english.get(url);
                WebDriverWait wait = new WebDriverWait(english, Duration.ofSeconds(90));
                wait.until(d -> d.findElement(By.id("status")).getText().equals("Connected"));
                say(english, "where is my order?");
                assertThat(english.findElement(By.id("typing")).isDisplayed()).as("typing indicator while a reply is pending").isTrue();
                WebElement first = botMessage(english, wait, 1);
                assertThat(first.getText()).isEqualTo("Sure. What's your order number?");
                say(english, "10042");
                WebElement second = botMessage(english, wait, 2);
                // The reply's **10042** is a <strong> element, not asterisks and not HTML from the message.
                assertThat(second.findElements(By.tagName("strong"))).extracting(WebElement::getText).contains("10042");
                assertThat(second.getText()).doesNotContain("**");

                say(english, "<script>window.pwned = true</script><b>bold?</b>");
                WebElement mine = english.findElements(By.cssSelector("#messages .msg.me")).get(2);
                assertThat(mine.getText()).isEqualTo("<script>window.pwned = true</script><b>bold?</b>");
                assertThat(mine.findElements(By.tagName("script"))).isEmpty();
                assertThat(mine.findElements(By.tagName("b"))).isEmpty();
                botMessage(english, wait, 3);
                assertThat(((org.openqa.selenium.JavascriptExecutor) english).executeScript("return window.pwned === true")).isEqualTo(false);
                screenshot(english, shots.resolve("web-chat-desktop.png"));
                english.manage().window().setSize(new Dimension(390, 844));
                screenshot(english, shots.resolve("web-chat-phone.png"));

                chinese = browser("zh-CN");
                chinese.manage().window().setSize(new Dimension(390, 844));
                chinese.get(url);
                WebDriverWait zhWait = new WebDriverWait(chinese, Duration.ofSeconds(90));
                zhWait.until(d -> d.findElement(By.id("status")).getText().equals("已连接"));
                assertThat(chinese.findElement(By.id("send")).getText()).isEqualTo("发送");
                say(chinese, "我的订单到哪了？");
                WebElement zh = botMessage(chinese, zhWait, 1);
                assertThat(zh.getText()).matches(".*[\\u4e00-\\u9fff].*");
                screenshot(chinese, shots.resolve("web-chat-phone-zh.png"));

                // A page retrying a post sends the same id: the job answers it once.
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + gateway.port() + "/v1/web/support/";
                String minted = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "token"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                String token = minted.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
                String visitor = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]))
                        .replaceAll(".*\"sub\":\"([^\"]+)\".*", "$1");
                for (int i = 0; i < 2; i++) {
                    assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "messages"))
                            .header("Authorization", "Bearer " + token)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"id\":\"retry-1\",\"text\":\"hello\"}")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
                }
                Thread.sleep(5000);
                long answers = dev.switchboard.testkit.KafkaClients.readAtLeast(kafka.bootstrapServers(), topics.outbound(Platforms.WEB),
                        100, Duration.ofSeconds(3)).stream()
                        .filter(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains("\"to\":\"" + visitor + "\""))
                        .count();
                assertThat(answers).as("replies to a message posted twice with one id").isEqualTo(1);
            } finally {
                if (english != null) {
                    english.quit();
                }
                if (chinese != null) {
                    chinese.quit();
                }
                job.cancel().get();
            }
        }
    }

    private static WebDriver browser(String language) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--lang=" + language);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        return new ChromeDriver(service, options);
    }

    private static void say(WebDriver driver, String text) {
        WebElement input = driver.findElement(By.id("input"));
        input.sendKeys(text);
        driver.findElement(By.id("send")).click();
    }

    /** The n-th reply of the bot, once it is there. */
    private static WebElement botMessage(WebDriver driver, WebDriverWait wait, int n) {
        wait.until(d -> d.findElements(By.cssSelector("#messages .msg.bot")).size() >= n);
        return driver.findElements(By.cssSelector("#messages .msg.bot")).get(n - 1);
    }

    private static void screenshot(WebDriver driver, Path to) throws Exception {
        File shot = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    }
}
