package dev.eventbus.sample.load;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /load?events=&keys=&payloadBytes=&rate=}: runs one load / verify run while the app
 * keeps serving (so that {@code /actuator/prometheus} can be scraped meanwhile) and answers with the
 * JSON report once it is done. Missing parameters take the {@code eventbus.sample.load.*} values.
 */
@RestController
@RequestMapping("/load")
public class LoadController {

	private final LoadRunner runner;

	private final LoadProperties properties;

	public LoadController(LoadRunner runner, LoadProperties properties) {
		this.runner = runner;
		this.properties = properties;
	}

	@PostMapping
	public LoadReport run(@RequestParam(defaultValue = "10000") long events, @RequestParam(required = false) @Nullable Integer keys,
			@RequestParam(required = false) @Nullable Integer payloadBytes, @RequestParam(required = false) @Nullable Integer rate)
			throws InterruptedException {
		LoadSettings settings = new LoadSettings(events, (keys != null) ? keys : this.properties.getKeys(),
				(payloadBytes != null) ? payloadBytes : this.properties.getPayloadBytes(),
				(rate != null) ? rate : this.properties.getRate(), this.properties.getTimeout());
		return this.runner.run(settings);
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ProblemDetail badParameter(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(IllegalStateException.class)
	ProblemDetail busy(IllegalStateException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

}
