package dev.vienna.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs nothing and returns the intent's params as its output: for dry runs, demos and pipeline checks. */
final class NoopHandler extends BuiltInHandler {

    NoopHandler(String action, Arguments arguments) {
        super(HandlerKind.NOOP, action, arguments, null, List.of());
    }

    static NoopHandler configure(String action, ConfigNode node) {
        node.allowKeys(Set.of("handler", "description", "args"));
        return new NoopHandler(action, Arguments.parse(node));
    }

    @Override
    ActionOutcome execute(ActionInput input, Map<Placeholder, Arguments.Value> values, Deadline deadline) {
        JsonNode params = input.params();
        if (params == null || params.isNull() || params.isMissingNode()) {
            return ActionOutcome.succeeded("{}");
        }
        return ActionOutcome.succeeded(
                Json.write(params.isObject() ? params : Json.object().set("params", params)));
    }
}
