package dev.archiver.storage.s3;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every HTTP request the SDK transmits (operation name and headers, as sent on the wire)
 * and can fail chosen requests on the client side, as a dropped connection would.
 */
final class RecordingInterceptor implements ExecutionInterceptor {
    record Sent(String operation, Map<String, List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(",", e.getValue()))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private volatile Predicate<SdkRequest> failWhen = r -> false;
    private volatile Consumer<List<Sent>> onTransmit = sent -> {};

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (failWhen.test(context.request())) {
            throw SdkClientException.create("injected failure");
        }
    }

    @Override
    public void beforeTransmission(
            Context.BeforeTransmission context, ExecutionAttributes attributes) {
        sent.add(
                new Sent(
                        attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                        context.httpRequest().headers()));
        onTransmit.accept(List.copyOf(sent));
    }

    /** Runs {@code action} with everything sent so far, just before each request goes out. */
    void onTransmit(Consumer<List<Sent>> action) {
        this.onTransmit = action;
    }

    void failWhen(Predicate<SdkRequest> predicate) {
        this.failWhen = predicate;
    }

    List<Sent> sent() {
        return List.copyOf(sent);
    }

    List<Sent> sent(String operation) {
        return sent.stream().filter(s -> s.operation().equals(operation)).toList();
    }

    void clear() {
        sent.clear();
    }
}
