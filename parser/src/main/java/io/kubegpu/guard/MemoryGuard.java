package io.kubegpu.guard;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.catalog.GpuModel;
import io.kubegpu.catalog.ModelKeys;
import io.kubegpu.catalog.ModelMatch;
import io.kubegpu.request.GpuRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a GPU request can ever fit a GPU model or a GPU of a reported memory size, so
 * that a job that would run out of GPU memory at start is refused up front instead.
 *
 * <p>What a request holds on one GPU: a whole GPU holds the card; {@code MEM[,SHARE]} holds MEM;
 * a bare share holds its proportion of the card. The optional {@value #MIN_MEMORY_ANNOTATION}
 * annotation is the total GPU memory the pod needs, summed over its GPUs.
 *
 * <p>Sizes are nominal (40 GiB for an A100 40GB). Drivers report a little less (39538 MiB on an
 * A100 40GB, 15109 MiB on a T4 under driver 470), so a reported size within {@value #TOLERANCE_PERCENT}%
 * below a catalog size counts as that size; see {@link #nominalMiB(int)}.
 */
public final class MemoryGuard {
    public static final String MIN_MEMORY_ANNOTATION = io.kubegpu.api.Annotations.MIN_GPU_MEMORY;
    static final int TOLERANCE_PERCENT = 8;

    private final GpuCatalog catalog;
    private final List<Integer> nominalSizes;

    public MemoryGuard(GpuCatalog catalog) {
        this.catalog = catalog;
        this.nominalSizes = catalog.nominalSizesMiB();
    }

    public GpuCatalog catalog() {
        return catalog;
    }

    /** Fit on a catalog model, or on a family judged by its smallest size. */
    public Verdict check(GpuRequest request, int minTotalMiB, ModelMatch match) {
        GpuModel card = match.smallest();
        Verdict verdict = judge(request, minTotalMiB, card.id(), card.memoryMiB(), card.vendor());
        if (!verdict.fits() && match.isFamily() && anyMemberFits(request, minTotalMiB, match)) {
            return Verdict.noFit(verdict.reason() + "; " + match.token() + " covers " + match.describe()
                    + " and is judged by its smallest size: name the larger model to require it");
        }
        return verdict;
    }

    /**
     * Fit on a GPU whose memory was reported by the node (GFD {@code nvidia.com/gpu.memory}, MiB),
     * optionally with the product it reported. See {@link #reportedNominalMiB} for how the report is read.
     */
    public Verdict checkReported(GpuRequest request, int minTotalMiB, String product, int reportedMiB) {
        Optional<ModelMatch> model = product == null ? Optional.empty() : catalog.resolve(product);
        String name = model.map(m -> m.smallest().id()).orElse(product == null ? "this GPU" : product);
        String vendor = model.map(ModelMatch::vendor).orElse(null);
        return judge(request, minTotalMiB, name, reportedNominalMiB(reportedMiB, product, model.orElse(null)), vendor);
    }

    /**
     * The nominal size a node's memory report stands for. With a known product, the report counts as
     * the size of that model (or family member) it is within {@value #TOLERANCE_PERCENT}% below; with
     * no product at all, as any catalog size ({@link #nominalMiB(int)}); with a product the catalog does
     * not know, as reported: rounding it up to some other card's size could promise memory that is not there.
     */
    public int reportedNominalMiB(int reportedMiB, String product, ModelMatch model) {
        if (model != null) {
            return roundUp(reportedMiB, model.models().stream().map(GpuModel::memoryMiB).sorted().toList());
        }
        return product == null ? nominalMiB(reportedMiB) : reportedMiB;
    }

    /**
     * The nominal size a reported memory stands for: the smallest catalog size at or above it when
     * the report is within {@value #TOLERANCE_PERCENT}% below that size, else the report itself.
     */
    public int nominalMiB(int reportedMiB) {
        return roundUp(reportedMiB, nominalSizes);
    }

    private static int roundUp(int reportedMiB, List<Integer> ascendingSizes) {
        for (int size : ascendingSizes) {
            if (size >= reportedMiB) {
                return (long) reportedMiB * 100 >= (long) size * (100 - TOLERANCE_PERCENT) ? size : reportedMiB;
            }
        }
        return reportedMiB;
    }

    /**
     * Which models could ever satisfy the request: one verdict per model token it names (unknown
     * tokens included), or, when it names none, one per catalog model of its vendor.
     */
    public List<ModelVerdict> feasibility(GpuRequest request, int minTotalMiB) {
        List<ModelVerdict> out = new ArrayList<>();
        if (request.models().isEmpty()) {
            for (GpuModel model : catalog.models()) {
                if (request.vendor() == null || request.vendor().name().equals(model.vendor())) {
                    ModelMatch match = new ModelMatch(model.id(), List.of(model));
                    out.add(new ModelVerdict(model.id(), match, check(request, minTotalMiB, match)));
                }
            }
            return out;
        }
        for (String token : request.models()) {
            Optional<ModelMatch> match = catalog.resolve(token);
            out.add(match.map(m -> new ModelVerdict(token, m, check(request, minTotalMiB, m)))
                    .orElseGet(() -> new ModelVerdict(token, null, Verdict.noFit(unknownModel(token)))));
        }
        return out;
    }

    /** True when at least one candidate model fits. */
    public boolean canEverFit(GpuRequest request, int minTotalMiB) {
        return feasibility(request, minTotalMiB).stream().anyMatch(v -> v.verdict().fits());
    }

    private boolean anyMemberFits(GpuRequest request, int minTotalMiB, ModelMatch match) {
        return match.models().stream().anyMatch(m -> judge(request, minTotalMiB, m.id(), m.memoryMiB(), m.vendor()).fits());
    }

    private Verdict judge(GpuRequest request, int minTotalMiB, String card, int cardMiB, String cardVendor) {
        if (request.vendor() != null && cardVendor != null && !request.vendor().name().equals(cardVendor)) {
            return Verdict.noFit(card + " is a " + cardVendor + " GPU; " + request.canonical() + " asks for " + request.vendor().name());
        }
        String body = body(request);
        if (request.isWhole()) {
            long total = (long) cardMiB * request.wholeGpus();
            if (total < minTotalMiB) {
                String offered = request.wholeGpus() == 1 ? card + " has " + gib(cardMiB)
                        : request.wholeGpus() + " × " + card + " have " + gib(total) + " (" + gib(cardMiB) + " each)";
                return Verdict.noFit(offered + "; " + MIN_MEMORY_ANNOTATION + " asks for " + gib(minTotalMiB));
            }
            return Verdict.fit();
        }
        if (request.memoryMiB() > 0) {
            if (cardMiB < request.memoryMiB()) {
                return Verdict.noFit(card + " has " + gib(cardMiB) + " per GPU; " + body + " needs " + gib(request.memoryMiB()) + " on one GPU");
            }
            if (request.memoryMiB() < minTotalMiB) {
                return Verdict.noFit(body + " guarantees " + gib(request.memoryMiB()) + " but " + MIN_MEMORY_ANNOTATION
                        + " asks for " + gib(minTotalMiB) + "; raise the memory in the request");
            }
            return Verdict.fit();
        }
        long proportional = request.memoryOnGpuMiB(cardMiB);
        if (proportional < minTotalMiB) {
            return Verdict.noFit(body + " of a " + card + " is " + gib(proportional) + "; " + MIN_MEMORY_ANNOTATION + " asks for "
                    + gib(minTotalMiB) + " (write memory explicitly, e.g. " + GpuRequest.formatMemory(minTotalMiB) + "," + body + ")");
        }
        return Verdict.fit();
    }

    private String unknownModel(String token) {
        String suggestion = closestName(token).map(s -> "; did you mean " + s + "?").orElse("");
        return "unknown GPU model '" + token + "': the catalog has no model, alias or family of that name" + suggestion
                + " (list them with the catalog command, or add it in a catalog override file)";
    }

    private Optional<String> closestName(String token) {
        String key = ModelKeys.normalize(token);
        String best = null;
        int bestDistance = 3;
        for (GpuModel model : catalog.models()) {
            for (String name : List.of(model.id(), model.family())) {
                int d = editDistance(key, ModelKeys.normalize(name));
                if (d < bestDistance) {
                    bestDistance = d;
                    best = name;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String body(GpuRequest request) {
        return request.withSpec(null, List.of()).canonical();
    }

    /** {@code 16 GiB}, {@code 38.6 GiB}, or {@code 512 MiB} below one GiB. */
    static String gib(long mib) {
        if (mib < 1024) {
            return mib + " MiB";
        }
        if (mib % 1024 == 0) {
            return (mib / 1024) + " GiB";
        }
        return String.format(Locale.ROOT, "%.1f GiB", mib / 1024.0);
    }
}
