package cai4j.road;

import cai4j.model.ChatRequest;
import cai4j.model.ModelSpec;

/**
 * One model call on its way down the road.
 *
 * @param spec    the model it is addressed to
 * @param request what is asked
 * @param local   true for a model on this machine: no money, no rate limit
 */
public record Call(ModelSpec spec, ChatRequest request, boolean local) {}
