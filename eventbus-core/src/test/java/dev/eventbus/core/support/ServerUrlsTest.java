package dev.eventbus.core.support;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServerUrlsTest {

	@Test
	void userInfoOfNatsUrlsIsRedacted() {
		assertThat(ServerUrls.redact("nats://user:secret@127.0.0.1:4222")).isEqualTo("nats://***@127.0.0.1:4222");
		assertThat(ServerUrls.redact("tls://token@nats.example.com:4222")).isEqualTo("tls://***@nats.example.com:4222");
		assertThat(ServerUrls.redact("nats://us:p@ss@host:4222")).isEqualTo("nats://***@host:4222");
	}

	@Test
	void userInfoOfKafkaEntriesIsRedactedWithOrWithoutScheme() {
		assertThat(ServerUrls.redact("user:secret@broker-1:9092,SASL_SSL://u:s@broker-2:9093"))
			.isEqualTo("***@broker-1:9092,SASL_SSL://***@broker-2:9093");
		assertThat(ServerUrls.redact(List.of("user:secret@broker-1:9092", "broker-2:9092")))
			.isEqualTo("[***@broker-1:9092, broker-2:9092]");
	}

	@Test
	void addressesInsideMessagesAreRedacted() {
		assertThat(ServerUrls.redact("Could not connect to NATS [nats://a:b@h1:4222, nats://c:d@h2:4222] as 'x'"))
			.isEqualTo("Could not connect to NATS [nats://***@h1:4222, nats://***@h2:4222] as 'x'");
		assertThat(ServerUrls.describe(new IllegalStateException("servers=u:pw@h:9092 down")))
			.isEqualTo("java.lang.IllegalStateException: servers=***@h:9092 down");
	}

	@Test
	void textWithoutUserInfoIsUnchanged() {
		for (String text : List.of("nats://127.0.0.1:4222", "localhost:9092,[::1]:9092",
				"mail ops@example.com about it", "group orders@v2 failed")) {
			assertThat(ServerUrls.redact(text)).isEqualTo(text);
		}
		assertThat(ServerUrls.redact((String) null)).isNull();
	}

}
