package io.keywatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyFileTest {

  @TempDir Path dir;

  @Test
  void aKeyIsGeneratedOnceAndKeptAcrossStarts() throws Exception {
    ApiKeyFile file = new ApiKeyFile(dir.resolve("data").resolve("api-key"));

    ApiKeyFile.Key first = file.loadOrCreate();
    ApiKeyFile.Key second = file.loadOrCreate();

    assertThat(first.generated()).isTrue();
    assertThat(first.value()).matches("[0-9a-f]{48}");
    assertThat(second.generated()).isFalse();
    assertThat(second.value()).isEqualTo(first.value());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())))
        .isEqualTo("rw-------");
  }

  @Test
  void twoInstallsGetDifferentKeys() {
    String a = new ApiKeyFile(dir.resolve("a")).loadOrCreate().value();
    String b = new ApiKeyFile(dir.resolve("b")).loadOrCreate().value();
    assertThat(a).isNotEqualTo(b);
  }
}
