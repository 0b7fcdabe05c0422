package io.keywatch.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md's settings tables say what the registry declares: every setting of each catalogue has a
 * row in its section, with its environment variable and its default, and no row names a setting the
 * catalogue lacks. A failure lists each difference and the row to paste for a missing setting.
 */
class ReadmeSettingsTest {

  static final Path README = Path.of("..", "README.md");

  /** The README section (its heading) that lists each catalogue. */
  static final Map<String, Class<?>> SECTIONS =
      Map.of(
          "Configuration", LauncherSetting.class,
          "Settings of the store and the watch", StoreSetting.class,
          "Settings of the admin server", AdminSetting.class,
          "Settings of the gateway", GatewaySetting.class);

  private static final Pattern HEADING = Pattern.compile("#{1,6} (.+)");
  private static final Pattern CODE = Pattern.compile("`([^`]*)`");
  private static final String TABLE_HEAD = "| property | env | default | what |";

  /** A settings row: property, environment variable, default (empty: none). */
  record Row(String property, String env, Optional<String> defaultValue) {}

  @Test
  void everySettingIsInTheReadmeWithItsVariableAndDefaultAndNothingElseIs() throws IOException {
    assertThat(problems(Files.readString(README))).isEmpty();
  }

  @Test
  void aDriftedReadmeIsCaught() throws IOException {
    String readme = Files.readString(README);
    String drifted =
        readme
            .replaceFirst("(\\| `keywatch\\.jdbc\\.wait` \\| `[A-Z_]+` \\| )`PT5S`", "$1`PT6S`")
            .replace("`KEYWATCH_WATCH_QUEUE`", "`KEYWATCH_WATCHQUEUE`")
            .replace("| `keywatch.proxy.buffer-size` |", "| `keywatch.proxy.buffer-bytes` |");
    List<String> before = problems(readme);
    assertThat(problems(drifted))
        .containsAll(before)
        .hasSize(before.size() + 4)
        .anySatisfy(p -> assertThat(p).contains("keywatch.jdbc.wait", "PT6S", "PT5S"))
        .anySatisfy(p -> assertThat(p).contains("keywatch.watch.queue", "KEYWATCH_WATCHQUEUE"))
        .anySatisfy(p -> assertThat(p).contains("keywatch.proxy.buffer-bytes", "not declared"))
        .anySatisfy(p -> assertThat(p).contains("keywatch.proxy.buffer-size", "missing"));
  }

  static List<String> problems(String readme) {
    Map<String, List<String>> sections = sections(readme);
    List<String> problems = new ArrayList<>();
    sections.forEach(
        (heading, lines) -> {
          Class<?> catalogue = SECTIONS.get(heading);
          List<Row> rows = rows(heading, lines, problems);
          if (catalogue == null) {
            if (!rows.isEmpty()) {
              problems.add(
                  "section '"
                      + heading
                      + "' lists settings but is not one of "
                      + SECTIONS.keySet());
            }
            return;
          }
          compare(heading, Catalogue.of(catalogue), rows, problems);
        });
    SECTIONS.keySet().stream()
        .filter(h -> !sections.containsKey(h))
        .forEach(h -> problems.add("README has no section '" + h + "'"));
    return problems;
  }

  private static void compare(
      String heading, Catalogue catalogue, List<Row> rows, List<String> problems) {
    Map<String, Row> byProperty = new LinkedHashMap<>();
    for (Row row : rows) {
      if (byProperty.put(row.property(), row) != null) {
        problems.add(heading + ": " + row.property() + " is listed twice");
      }
      Optional<Catalogue.Entry> entry = catalogue.entry(row.property());
      if (entry.isEmpty()) {
        problems.add(
            heading
                + ": "
                + row.property()
                + " is not declared in "
                + catalogue.declaredBy().getSimpleName());
        continue;
      }
      if (!row.env().equals(entry.get().envVar())) {
        problems.add(
            heading
                + ": "
                + row.property()
                + " has env "
                + row.env()
                + ", but its variable is "
                + entry.get().envVar());
      }
      if (!row.defaultValue().equals(entry.get().defaultValue())) {
        problems.add(
            heading
                + ": "
                + row.property()
                + " has default "
                + row.defaultValue().orElse("none")
                + " in README, but "
                + entry.get().defaultValue().orElse("none")
                + " in "
                + catalogue.declaredBy().getSimpleName());
      }
    }
    for (Catalogue.Entry e : catalogue.entries()) {
      if (!byProperty.containsKey(e.property())) {
        problems.add(heading + ": " + e.property() + " is missing; add the row " + row(e));
      }
    }
  }

  /** The README row of a setting, to paste. */
  static String row(Catalogue.Entry e) {
    return "| `"
        + e.property()
        + "` | `"
        + e.envVar()
        + "` | "
        + e.defaultValue().map(v -> "`" + v + "`").orElse("none")
        + " | "
        + e.doc()
        + " |";
  }

  /** Heading to the lines under it, up to the next heading (fenced code is skipped). */
  private static Map<String, List<String>> sections(String readme) {
    Map<String, List<String>> sections = new LinkedHashMap<>();
    List<String> current = new ArrayList<>();
    boolean fenced = false;
    for (String line : readme.split("\n", -1)) {
      if (line.startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      Matcher heading = HEADING.matcher(line);
      if (!fenced && heading.matches()) {
        current = new ArrayList<>();
        sections.put(heading.group(1).strip(), current);
      } else if (!fenced) {
        current.add(line);
      }
    }
    return sections;
  }

  /**
   * The settings rows of a section: those of a {@value #TABLE_HEAD} table, and any other table row
   * that names a {@code keywatch.} property or {@code KEYWATCH_} variable first (a problem: such a
   * table cannot be checked).
   */
  private static List<Row> rows(String heading, List<String> lines, List<String> problems) {
    List<Row> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : lines) {
      String l = line.strip();
      if (!l.startsWith("|")) {
        inTable = false;
        continue;
      }
      if (l.replace(" ", "").equals(TABLE_HEAD.replace(" ", ""))) {
        inTable = true;
        continue;
      }
      if (l.matches("\\|[-| :]+\\|")) {
        continue;
      }
      String[] cells = l.substring(1).split("\\|", -1);
      if (!inTable) {
        if (cells[0].strip().matches("`(keywatch\\.|KEYWATCH_).*")) {
          problems.add(heading + ": a setting outside a '" + TABLE_HEAD + "' table: " + l);
        }
        continue;
      }
      if (cells.length < 4) {
        problems.add(heading + ": a row without four cells: " + l);
        continue;
      }
      Matcher property = CODE.matcher(cells[0].strip());
      Matcher env = CODE.matcher(cells[1].strip());
      if (!property.matches() || !env.matches()) {
        problems.add(heading + ": property and env must each be one `code` cell: " + l);
        continue;
      }
      String dflt = cells[2].strip();
      Matcher code = CODE.matcher(dflt);
      Optional<String> defaultValue;
      if (code.lookingAt()) {
        defaultValue = Optional.of(code.group(1));
      } else if (dflt.startsWith("none")) {
        defaultValue = Optional.empty();
      } else {
        problems.add(
            heading + ": a default must start with a `value` or the word none: " + cells[2]);
        continue;
      }
      rows.add(new Row(property.group(1), env.group(1), defaultValue));
    }
    return rows;
  }
}
