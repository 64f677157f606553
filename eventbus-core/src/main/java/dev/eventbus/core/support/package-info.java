/**
 * Transport-neutral delivery machinery shared by the transports: dispatch into the keyed executor,
 * retry inside the key's lane, dead-lettering and completion tracking. Public only so that the
 * transport packages can use it; not an application API and may change without notice.
 */
@NullMarked
package dev.eventbus.core.support;

import org.jspecify.annotations.NullMarked;
