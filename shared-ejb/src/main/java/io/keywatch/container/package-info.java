/**
 * What both servers change of the Payara Micro container they run in, from inside the application:
 * Payara's own handling of a request that no filter of ours sees.
 */
package io.keywatch.container;
