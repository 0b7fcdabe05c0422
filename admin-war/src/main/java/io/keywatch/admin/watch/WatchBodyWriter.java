package io.keywatch.admin.watch;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Writes a watch answer's body: runs its {@link WatchStream} with the answer's headers as Jersey's
 * filters left them, on the thread that resumed the request (the stream's own), until it ends.
 */
@Provider
@Produces(MediaType.SERVER_SENT_EVENTS)
public class WatchBodyWriter implements MessageBodyWriter<WatchStream> {

  @Override
  public boolean isWriteable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return type == WatchStream.class;
  }

  @Override
  public void writeTo(
      WatchStream stream,
      Class<?> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, Object> httpHeaders,
      OutputStream entityStream)
      throws IOException {
    stream.stream(httpHeaders);
  }
}
