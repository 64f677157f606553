package dev.eventbus.core.nats;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The partition layout: a stable hash, subjects, durables and the count read from a stream's subjects.
 */
class NatsPartitionsTests {

	@Test
	void partitionIsTheFnv1aHashOfTheKeyModuloTheCountAndStable() {
		// FNV-1a 32 of "a" is 0xe40c292c, of "order-42" 0x572446f4, of "key-0" 0x58e035d9
		assertThat(NatsPartitions.partition("a", 12)).isEqualTo(0);
		assertThat(NatsPartitions.partition("order-42", 12)).isEqualTo(8);
		assertThat(NatsPartitions.partition("key-0", 12)).isEqualTo(9);
		assertThat(NatsPartitions.partition("key-0", 4)).isEqualTo(1);
		assertThat(NatsPartitions.partition("anything", 1)).isZero();
	}

	@Test
	void keysSpreadOverEveryPartition() {
		int[] counts = new int[12];
		for (int k = 0; k < 3_000; k++) {
			counts[NatsPartitions.partition("key-" + k, 12)]++;
		}
		for (int count : counts) {
			assertThat(count).isBetween(150, 350);
		}
	}

	@Test
	void onePartitionKeepsTheSingleSubjectLayout() {
		assertThat(NatsPartitions.subjects("shop.orders", 1)).containsExactly("shop.orders");
		assertThat(NatsPartitions.durable("billing", "shop.orders", 0, 1)).isEqualTo("billing-shop_orders");
	}

	@Test
	void severalPartitionsGetASubjectAndADurableEach() {
		assertThat(NatsPartitions.subjects("orders", 3)).containsExactly("orders.0", "orders.1", "orders.2");
		assertThat(NatsPartitions.durable("billing", "shop.orders", 2, 3)).isEqualTo("billing-shop_orders-p2");
	}

	@Test
	void countInReadsThePartitionCountFromTheSubjectsOfAStream() {
		assertThat(NatsPartitions.countIn(List.of("orders"), "orders")).isEqualTo(1);
		assertThat(NatsPartitions.countIn(List.of("orders.0", "orders.1", "orders.2", "orders.3"), "orders")).isEqualTo(4);
		assertThat(NatsPartitions.countIn(List.of("orders.>"), "orders")).isZero();
		assertThat(NatsPartitions.countIn(List.of("orders.dlt", "orders.01"), "orders")).isZero();
	}

	@Test
	void partitionsOutOfRangeAreRejectedNamingTheSetting() {
		assertThat(NatsOptions.defaults().partitions()).isEqualTo(NatsOptions.DEFAULT_PARTITIONS).isEqualTo(1);
		assertThatIllegalArgumentException().isThrownBy(() -> NatsOptions.builder().partitions(0).build())
			.withMessage("nats partitions must be between 1 and 1024 but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsOptions.builder().partitions(1025).build())
			.withMessageContaining("nats partitions");
	}

}
