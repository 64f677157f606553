package dev.eventbus.autoconfigure.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.eventbus.autoconfigure.EventBusTransportProbe;
import dev.eventbus.core.kafka.KafkaClientFactories;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.support.ServerUrls;

/**
 * Checks Kafka reachability with a cluster description ({@code describeCluster}) through an admin
 * client of its own, created on first use with the transport's connection and security settings
 * and closed with the context. Called by the health indicator's probe thread; synchronized.
 */
final class KafkaTransportProbe implements EventBusTransportProbe, DisposableBean {

	private final KafkaOptions options;

	private @Nullable Admin admin;

	KafkaTransportProbe(KafkaOptions options) {
		this.options = options;
	}

	@Override
	public synchronized Map<String, Object> probe(Duration timeout) throws Exception {
		int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
		DescribeClusterResult cluster = admin(millis).describeCluster(new DescribeClusterOptions().timeoutMs(millis));
		Map<String, Object> details = new LinkedHashMap<>();
		try {
			details.put("clusterId", cluster.clusterId().get(millis, TimeUnit.MILLISECONDS));
			details.put("nodes", cluster.nodes().get(millis, TimeUnit.MILLISECONDS).size());
		}
		catch (TimeoutException ex) {
			throw timedOut(millis, ex.getMessage(), ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException clientTimeout) {
				throw timedOut(millis, clientTimeout.getMessage(), ex);
			}
			throw ex;
		}
		return details;
	}

	/** Says what timed out against which brokers, instead of a bare {@code TimeoutException: null}. */
	private TimeoutException timedOut(int millis, @Nullable String clientSaid, Exception cause) {
		TimeoutException timeout = new TimeoutException("no answer to describeCluster from the Kafka brokers at "
				+ ServerUrls.redact(this.options.bootstrapServers()) + " within " + millis
				+ " ms (eventbus.health.timeout): they are unreachable or overloaded; check "
				+ "eventbus.kafka.bootstrap-servers and the network"
				+ ((clientSaid != null) ? ". Client said: " + clientSaid : ""));
		timeout.initCause(cause);
		return timeout;
	}

	private Admin admin(int timeoutMillis) {
		if (this.admin == null) {
			Map<String, Object> config = new LinkedHashMap<>(KafkaClientFactories.adminConfig(this.options));
			config.put(AdminClientConfig.CLIENT_ID_CONFIG, this.options.clientId() + "-health");
			config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
			config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
			this.admin = Admin.create(config);
		}
		return this.admin;
	}

	@Override
	public synchronized void destroy() {
		if (this.admin != null) {
			this.admin.close(Duration.ofSeconds(1));
			this.admin = null;
		}
	}

}
