package io.keywatch.admin;

import static io.keywatch.admin.Answers.ok;
import static io.keywatch.admin.Answers.putValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywatch.testing.Keywatch;
import io.keywatch.testing.KeywatchTest;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The admin's {@code /metrics} shows where the store's time goes: one timer per named statement.
 */
@KeywatchTest
class StoreMetricsIT {

  @Test
  void eachNamedStatementHasItsOwnTimer(Keywatch kw) {
    String key = "/" + Keywatch.uniqueId("timed");
    long putsBefore = count(kw, "put_many");
    long readsBefore = count(kw, "range"); // a GET of a key is a range of one key
    ok(putValue(kw, key, "1"), 201);
    ok(kw.adminGet("/kv" + key), 200);

    assertThat(count(kw, "put_many")).isGreaterThan(putsBefore);
    assertThat(count(kw, "range")).isGreaterThan(readsBefore);
    // the watch's polls are statements of the store too
    assertThat(count(kw, "revisions_and_changes")).isPositive();
    assertThat(metrics(kw))
        .containsPattern("keywatch_store_statement_seconds_sum\\{[^}]*statement=\"put_many\"");
  }

  /** How often a statement ran, as the timer's count says; 0 before its first run. */
  private static long count(Keywatch kw, String statement) {
    Matcher m =
        Pattern.compile(
                "^keywatch_store_statement_seconds_count\\{[^}]*statement=\""
                    + statement
                    + "\"[^}]*\\} ([0-9.Ee+]+)$",
                Pattern.MULTILINE)
            .matcher(metrics(kw));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static String metrics(Keywatch kw) {
    return kw.send(
            HttpRequest.newBuilder(kw.adminUri().resolve("/metrics"))
                .timeout(Duration.ofSeconds(30))
                .GET())
        .body();
  }
}
