/**
 * Every error the admin API answers, as RFC 9457 {@code application/problem+json}: {@link
 * io.keywatch.admin.problems.Problems} names each kind (its {@code type} is {@code
 * urn:keywatch:problem:<name>}) and maps the store's exceptions, JAX-RS's own errors and anything
 * unexpected; {@link io.keywatch.admin.problems.ProblemMapper} answers with it. The watch stream
 * sends the same documents as {@code event: error} before it closes.
 */
package io.keywatch.admin.problems;
