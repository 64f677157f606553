package dev.eventbus.core.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The two observations of the event bus, their names and key names. With Boot's
 * {@code DefaultMeterObservationHandler} each also becomes a timer of the same name tagged with the
 * low-cardinality keys (and {@code error}); the names differ from the bus's own meters
 * ({@code eventbus.publish}, {@code eventbus.handler}, {@code eventbus.consume}), which stay.
 */
public enum EventBusObservationDocumentation implements ObservationDocumentation {

	/**
	 * One publish: from the call to the broker's acknowledgement. A producer span; its context goes
	 * into the message headers.
	 */
	PUBLISH {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultPublishObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeys.TRANSPORT, LowCardinalityKeys.TOPIC, LowCardinalityKeys.TYPE,
					LowCardinalityKeys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeys.EVENT_ID };
		}
	},

	/**
	 * One handler attempt (a retried event has one per attempt), or the rejection of a poison message.
	 * A consumer span, child of the producer's span, current while the handler runs.
	 */
	HANDLE {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultHandleObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeys.values();
		}
	};

	/** Keys with few values, fit for meter tags. */
	public enum LowCardinalityKeys implements KeyName {

		/** Transport: {@code kafka}, {@code nats} or {@code memory}. */
		TRANSPORT {
			@Override
			public String asString() {
				return "transport";
			}
		},

		/** Topic published to or consumed from. */
		TOPIC {
			@Override
			public String asString() {
				return "topic";
			}
		},

		/** CloudEvents type of the event ({@code unknown} for a poison message without one). */
		TYPE {
			@Override
			public String asString() {
				return "type";
			}
		},

		/**
		 * What became of the publish ({@code success}, {@code failure}) or of the handler attempt
		 * ({@code success}, {@code retry}, {@code dead_lettered}, {@code skipped}, {@code poison};
		 * {@code stopped} after a {@code VirtualMachineError}, {@code abandoned} when the bus closed or
		 * failed before the attempt finished); {@code none} while the observation runs.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/** Consumer group (handle only). */
		GROUP {
			@Override
			public String asString() {
				return "group";
			}
		}

	}

	/** Keys with a value per event: span tags only, never meter tags. */
	public enum HighCardinalityKeys implements KeyName {

		/** CloudEvents id of the event. */
		EVENT_ID {
			@Override
			public String asString() {
				return "event.id";
			}
		},

		/** Handler attempt, from 1 (handle only). */
		ATTEMPT {
			@Override
			public String asString() {
				return "attempt";
			}
		}

	}

}
