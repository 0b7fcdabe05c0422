package io.keywatch.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin API key generated on a first start without KEYWATCH_API_KEY, kept in the data folder so
 * that it stays the same across restarts. Readable by its owner only.
 */
record ApiKeyFile(Path file) {

  private static final int KEY_BYTES = 24;

  /** Whether the key was generated just now (the launcher then says how to set your own). */
  record Key(String value, boolean generated) {}

  Key loadOrCreate() {
    try {
      if (Files.isRegularFile(file)) {
        return new Key(Files.readString(file, StandardCharsets.UTF_8).trim(), false);
      }
      byte[] random = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(random);
      String key = HexFormat.of().formatHex(random);
      Files.createDirectories(file.getParent());
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
      return new Key(key, true);
    } catch (FileAlreadyExistsException raced) {
      return loadOrCreate();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the API key file " + file, e);
    }
  }
}
