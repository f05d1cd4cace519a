package cai4j.road;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.ModelSpec;
import java.util.List;

/**
 * Several replicas of one model server seen as one model: a call goes to one of them through
 * {@link ReplicaLink}, each replica's own road included.
 */
final class Replicas implements LanguageModel {
    private final ModelSpec spec;
    private final ReplicaLink spread;
    private final List<LanguageModel> providers;

    Replicas(ModelSpec spec, ReplicaLink spread, List<LanguageModel> providers) {
        this.spec = spec;
        this.spread = spread;
        this.providers = List.copyOf(providers);
    }

    @Override
    public ModelSpec spec() { return spec; }

    @Override
    public Completion complete(ChatRequest request) {
        try {
            return spread.handle(new Call(spec, request, false), call -> {
                throw new IllegalStateException("the replicas are the end of the road");
            }).completion();
        } catch (CallFailed f) {
            throw f.error();
        }
    }

    @Override
    public void close() {
        for (LanguageModel p : providers) {
            try {
                p.close();
            } catch (RuntimeException e) {
                // closing one replica must not keep the others open
            }
        }
    }
}
