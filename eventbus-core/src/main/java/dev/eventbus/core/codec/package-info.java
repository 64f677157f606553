/**
 * Envelope codec: the CloudEvents 1.0 binary-mode mapping between an
 * {@link dev.eventbus.core.api.Envelope} and a transport-neutral {@link dev.eventbus.core.codec.WireMessage},
 * and the pluggable payload codec (JSON through Jackson by default).
 */
@NullMarked
package dev.eventbus.core.codec;

import org.jspecify.annotations.NullMarked;
