package dev.eventbus.core.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-active lease of one (group, topic): a key in the {@value NatsConsumerOptions#LEASE_BUCKET}
 * key-value bucket, created by the instance that becomes active and renewed (compare-and-set on its
 * revision) every third of the bucket's time to live. A standby's create fails while the key exists;
 * it succeeds once the holder deleted it (graceful close) or it expired (crash).
 *
 * <p>Only the subscription's maintenance task calls {@link #tick()} and {@link #release()};
 * {@link #held()} is read by the fetch thread.
 */
final class NatsLease {

	private static final Logger logger = LoggerFactory.getLogger(NatsLease.class);

	private final KeyValue bucket;

	private final String key;

	private final byte[] owner;

	private volatile boolean held;

	private long revision;

	NatsLease(KeyValue bucket, String key, String owner) {
		this.bucket = bucket;
		this.key = key;
		this.owner = owner.getBytes(StandardCharsets.UTF_8);
	}

	/** @return whether this instance holds the lease as of the last tick */
	boolean held() {
		return this.held;
	}

	/** Acquires the lease when free, or renews it when held; a failed renewal loses it. */
	void tick() {
		try {
			if (this.held) {
				this.revision = this.bucket.update(this.key, this.owner, this.revision);
			}
			else {
				this.revision = this.bucket.create(this.key, this.owner);
				this.held = true;
				logger.info("NATS lease '{}' acquired: this instance is the active consumer", this.key);
			}
		}
		catch (JetStreamApiException ex) {
			if (this.held) {
				logger.warn("NATS lease '{}' lost ({}): this instance stops pulling", this.key, ex.getMessage());
			}
			this.held = false;
		}
		catch (IOException | RuntimeException ex) {
			// The server is unreachable: keep the current state; the lease expires on the server
			// if it is not renewed, and the next tick finds out.
			logger.debug("NATS lease '{}' not renewed: {}", this.key, ex.toString());
		}
	}

	/** Gives the lease up so that a standby takes over at once. */
	void release() {
		if (!this.held) {
			return;
		}
		this.held = false;
		try {
			this.bucket.delete(this.key, this.revision);
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			logger.debug("NATS lease '{}' not released ({}); it expires by itself", this.key, ex.toString());
		}
	}

	/** Forgets the lease without deleting it (it expires on the server). */
	void abandon() {
		this.held = false;
	}

}
