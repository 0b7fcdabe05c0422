package io.keywatch.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The watch sees the store only through the kv API and its change-log port. */
class WatchBoundaryTest {

  private static final Path SOURCES = Path.of("src/main/java/io/keywatch/watch");
  private static final Pattern STORE_INTERNALS =
      Pattern.compile(
          "import (static )?(java\\.sql|javax\\.sql|org\\.postgresql|io\\.keywatch\\.kv\\.postgres)\\b.*");

  @Test
  void noWatchClassImportsJdbcPgjdbcOrThePostgresAdapter() throws IOException {
    assertThat(SOURCES.resolve("ChangeFeed.java")).exists();
    List<String> offending;
    try (Stream<Path> files = Files.list(SOURCES)) {
      offending = files.flatMap(WatchBoundaryTest::internalImports).toList();
    }
    assertThat(offending).isEmpty();
  }

  /** The file's imports of the store's internals, each as "File.java: import ...". */
  private static Stream<String> internalImports(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .map(String::strip)
          .filter(line -> STORE_INTERNALS.matcher(line).matches())
          .map(line -> file.getFileName() + ": " + line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
