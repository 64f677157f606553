package dev.eventbus.core.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTest {

	private static final int THREADS = 4;

	private static final int IDS_PER_THREAD = 25_000;

	@Test
	void idsAreRfc9562Version7WithTheIetfVariant() {
		for (int i = 0; i < 1_000; i++) {
			UUID id = EventIds.nextUuid();
			assertThat(id.version()).isEqualTo(7);
			assertThat(id.variant()).isEqualTo(2);
			assertThat((id.getMostSignificantBits() >>> 12) & 0xF).isEqualTo(7);
			assertThat(id.getLeastSignificantBits() >>> 62).isEqualTo(0b10);
		}
	}

	@Test
	void stringFormIsTheCanonicalUuid() {
		String id = EventIds.next();
		assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
		assertThat(UUID.fromString(id).toString()).isEqualTo(id);
	}

	@Test
	void timestampIsWithinASecondOfNow() {
		long before = System.currentTimeMillis();
		UUID id = EventIds.nextUuid();
		long after = System.currentTimeMillis();
		long millis = id.getMostSignificantBits() >>> 16;
		assertThat(millis).isBetween(before - 1_000, after + 1_000);
	}

	@Test
	void idsAreStrictlyIncreasingAcrossThreads() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(THREADS, (task) -> new Thread(task, "event-ids-test"));
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<UUID[]>> futures = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					UUID[] ids = new UUID[IDS_PER_THREAD];
					for (int i = 0; i < IDS_PER_THREAD; i++) {
						ids[i] = EventIds.nextUuid();
					}
					return ids;
				}));
			}
			start.countDown();
			Set<Long> timestampsAndCounters = new HashSet<>();
			Set<UUID> all = new HashSet<>();
			for (Future<UUID[]> future : futures) {
				UUID[] ids = future.get(60, TimeUnit.SECONDS);
				for (int i = 0; i < ids.length; i++) {
					if (i > 0) {
						// the 48-bit time and 12-bit counter (the ordering part) grow strictly within a thread
						assertThat(Long.compareUnsigned(ids[i].getMostSignificantBits(),
								ids[i - 1].getMostSignificantBits()))
							.as("id %d of a thread sorts after id %d", i, i - 1)
							.isPositive();
						// and so does the canonical string form, which is what brokers and logs sort by
						assertThat(ids[i].toString()).isGreaterThan(ids[i - 1].toString());
					}
					timestampsAndCounters.add(ids[i].getMostSignificantBits());
					all.add(ids[i]);
				}
			}
			// one global sequence: no two threads were handed the same time-and-counter
			assertThat(timestampsAndCounters).hasSize(THREADS * IDS_PER_THREAD);
			assertThat(all).hasSize(THREADS * IDS_PER_THREAD);
			long newest = timestampsAndCounters.stream().mapToLong((msb) -> msb >>> 16).max().orElseThrow();
			assertThat(newest).isLessThanOrEqualTo(System.currentTimeMillis() + Duration.ofSeconds(1).toMillis());
		}
		finally {
			pool.shutdownNow();
			assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
	}

}
