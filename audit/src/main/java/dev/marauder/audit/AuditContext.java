package dev.marauder.audit;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.ModelCard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an audit is given: the model under audit, its test data, the settings, and what else is
 * known about it (its training data, results of separate {@code marauder} runs). Immutable; built
 * with {@link #builder(Classifier, LabeledData, AuditSettings)}.
 *
 * <p>The model's type is its access level: a {@link Classifier} is queried only (black-box), a
 * {@link dev.marauder.core.model.DifferentiableClassifier} also gives input gradients (white-box),
 * and a {@link BuiltinClassifier} was trained by Marauder and has a {@link ModelCard}.
 *
 * @param model the model under audit (not closed by the audit)
 * @param test its test data
 * @param dataName name or path of the test data, for the report
 * @param classNames names of the classes (index = label); may be empty
 * @param settings the audit's settings
 * @param trainingData the model's training data when known, else null
 * @param membership known members and non-members of the model's training set (any model
 *     format), else null; the membership-inference check attacks these rather than the training
 *     and test data
 * @param membershipRuns results of {@code marauder mia} runs to add to the report
 * @param exposureRuns results of {@code marauder exposure} runs to add to the report
 * @param privacyAudits results of {@code marauder privacy audit} runs to add to the report
 * @param demoCache for the demo model only: where its empirical privacy audits are cached (they
 *     are run there when missing); null otherwise
 * @param modelArgument how commands that reproduce a finding name the model (its path)
 * @param dataArguments the options that name the test data in such commands, e.g. {@code "--data
 *     x.npy --labels y.npy"}
 * @param defenses input-transformation defenses the user asked the audit to evaluate (ids of
 *     {@code dev.marauder.defenses.transform.Transformations}); may be empty
 * @param certifySigma the noise of a randomized-smoothing certification the user asked for, or null
 * @param admission a fitted Deep k-NN whose admission-control trade-off the user asked for, or null
 */
public record AuditContext(
        Classifier model,
        LabeledData test,
        String dataName,
        List<String> classNames,
        AuditSettings settings,
        LabeledData trainingData,
        Membership membership,
        List<MembershipRun> membershipRuns,
        List<ExposureRun> exposureRuns,
        List<CanaryAuditRun> privacyAudits,
        Path demoCache,
        String modelArgument,
        String dataArguments,
        List<String> defenses,
        Double certifySigma,
        dev.marauder.defenses.detection.FittedDeepKnn admission) {

    /** Validates and copies. */
    public AuditContext {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(test, "test data");
        Objects.requireNonNull(dataName, "data name");
        Objects.requireNonNull(settings, "settings");
        classNames = List.copyOf(classNames);
        membershipRuns = List.copyOf(membershipRuns);
        exposureRuns = List.copyOf(exposureRuns);
        privacyAudits = List.copyOf(privacyAudits);
        Objects.requireNonNull(modelArgument, "model argument");
        Objects.requireNonNull(dataArguments, "data arguments");
        defenses = List.copyOf(defenses);
    }

    /**
     * Examples known to be members of the model's training set and examples known not to be, as
     * {@code marauder mia --members X1,Y1 --non-members X2,Y2} takes them, optionally with the
     * user's own reference models (their predictions on the members then the non-members, and
     * their masks), with which the audit also runs LiRA (Carlini et al. 2022).
     *
     * @param members training examples of the model
     * @param nonMembers examples it was not trained on
     * @param arguments how commands that reproduce the finding name them, e.g. {@code "--members
     *     x1.npy,y1.npy --non-members x2.npy,y2.npy"}
     * @param references reference models whose masks cover the members then the non-members, or null
     * @param referenceArguments how commands name the reference models, e.g. {@code
     *     "--reference-models refs --reference-masks keep.npy"}, or null without references
     */
    public record Membership(
            LabeledData members,
            LabeledData nonMembers,
            String arguments,
            dev.marauder.attacks.inference.membership.ReferenceModels references,
            String referenceArguments) {
        /**
         * Validates.
         *
         * @throws IllegalArgumentException if there are no members or no non-members, or the
         *     references do not cover exactly the members and non-members, or some candidate has no
         *     OUT reference model ({@link MembershipInferenceCheck#liraKind})
         */
        public Membership {
            Objects.requireNonNull(members, "members");
            Objects.requireNonNull(nonMembers, "non-members");
            Objects.requireNonNull(arguments, "arguments");
            if (members.size() == 0 || nonMembers.size() == 0) {
                throw new IllegalArgumentException("membership inference needs members and non-members, got "
                        + members.size() + " and " + nonMembers.size());
            }
            if (references != null) {
                Objects.requireNonNull(referenceArguments, "reference arguments");
                if (references.candidates() != members.size() + nonMembers.size()) {
                    throw new IllegalArgumentException("the reference models cover " + references.candidates()
                            + " candidates, but there are " + members.size() + " members and " + nonMembers.size()
                            + " non-members");
                }
                MembershipInferenceCheck.liraKind(references);
            }
        }

        /** Known members and non-members without reference models. */
        public Membership(LabeledData members, LabeledData nonMembers, String arguments) {
            this(members, nonMembers, arguments, null, null);
        }
    }

    /** The known members and non-members, when given. */
    public Optional<Membership> knownMembership() {
        return Optional.ofNullable(membership);
    }

    /**
     * Starts a context.
     *
     * @param model the model under audit
     * @param test its test data
     * @param settings the audit's settings
     * @return a builder
     */
    public static Builder builder(Classifier model, LabeledData test, AuditSettings settings) {
        return new Builder(model, test, settings);
    }

    /** The model card, when the model was trained by Marauder. */
    public Optional<ModelCard> card() {
        return model instanceof BuiltinClassifier b ? Optional.ofNullable(b.card()) : Optional.empty();
    }

    /** The model's training data, when known. */
    public Optional<LabeledData> training() {
        return Optional.ofNullable(trainingData);
    }

    /** The name of class {@code label}, or the number when there are no names. */
    public String className(int label) {
        return label >= 0 && label < classNames.size() ? classNames.get(label) : Integer.toString(label);
    }

    /**
     * The training set of a model Marauder trained, when its card names a dataset that still loads
     * with the recorded hash; empty otherwise.
     */
    public static Optional<LabeledData> trainingDataOf(ModelCard card) {
        if (card == null || card.dataset() == null || card.datasetSha256() == null) {
            return Optional.empty();
        }
        try {
            LabeledData train = Datasets.load(card.dataset()).train();
            return card.datasetSha256().equals(train.sha256()) ? Optional.of(train) : Optional.empty();
        } catch (DataFormatException | IllegalArgumentException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /**
     * Builds an {@link AuditContext}. Required: model, test data, settings. Optional (with {@code
     * opt}): everything else. Unless {@link #optTrainingData(LabeledData)} is given, the training
     * data are those named by the model card, if it has one and they load with the recorded hash.
     */
    public static final class Builder {
        private final Classifier model;
        private final LabeledData test;
        private final AuditSettings settings;
        private String dataName;
        private List<String> classNames = List.of();
        private LabeledData trainingData;
        private boolean trainingDataGiven;
        private Membership membership;
        private final List<MembershipRun> membershipRuns = new ArrayList<>();
        private final List<ExposureRun> exposureRuns = new ArrayList<>();
        private final List<CanaryAuditRun> privacyAudits = new ArrayList<>();
        private Path demoCache;
        private String modelArgument;
        private String dataArguments;
        private List<String> defenses = List.of();
        private Double certifySigma;
        private dev.marauder.defenses.detection.FittedDeepKnn admission;

        private Builder(Classifier model, LabeledData test, AuditSettings settings) {
            this.model = Objects.requireNonNull(model, "model");
            this.test = Objects.requireNonNull(test, "test data");
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /** Names the test data in the report (default: {@code "test data"}). */
        public Builder optDataName(String name) {
            this.dataName = Objects.requireNonNull(name, "data name");
            return this;
        }

        /** Names the classes, index = label. */
        public Builder optClassNames(List<String> names) {
            this.classNames = List.copyOf(names);
            return this;
        }

        /** The model's training data, or null for "unknown" (then no card lookup happens). */
        public Builder optTrainingData(LabeledData train) {
            this.trainingData = train;
            this.trainingDataGiven = true;
            return this;
        }

        /**
         * Known members and non-members of the model's training set (any model format): the
         * membership-inference check then runs its threshold attacks on them.
         */
        public Builder optMembership(Membership known) {
            this.membership = known;
            return this;
        }

        /** Adds results of {@code marauder mia} runs. */
        public Builder optMembershipRuns(List<MembershipRun> runs) {
            membershipRuns.addAll(runs);
            return this;
        }

        /** Adds results of {@code marauder exposure} runs. */
        public Builder optExposureRuns(List<ExposureRun> runs) {
            exposureRuns.addAll(runs);
            return this;
        }

        /** Adds results of {@code marauder privacy audit} runs. */
        public Builder optPrivacyAudits(List<CanaryAuditRun> audits) {
            privacyAudits.addAll(audits);
            return this;
        }

        /** Marks the model as the demo model, whose empirical privacy audits are cached in {@code cache}. */
        public Builder optDemoCache(Path cache) {
            this.demoCache = cache;
            return this;
        }

        /**
         * How commands that reproduce a finding name the model and the test data.
         *
         * @param model e.g. the model's path (default: the model's name)
         * @param data e.g. {@code "--data x.npy --labels y.npy"} (default: {@code "--data "} and the
         *     data name)
         */
        public Builder optCommandArguments(String model, String data) {
            this.modelArgument = Objects.requireNonNull(model, "model argument");
            this.dataArguments = Objects.requireNonNull(data, "data arguments");
            return this;
        }

        /**
         * Asks for a defenses section: input transformations to evaluate in front of the model
         * (ids such as {@code jpeg}) and a randomized-smoothing certification with noise {@code
         * sigma} (or null).
         */
        public Builder optDefenses(List<String> transformations, Double sigma) {
            this.defenses = List.copyOf(transformations);
            this.certifySigma = sigma;
            return this;
        }

        /** Asks for the admission-control trade-off of a Deep k-NN fitted to this model. */
        public Builder optAdmissionControl(dev.marauder.defenses.detection.FittedDeepKnn fitted) {
            this.admission = fitted;
            return this;
        }

        /** Builds the context, looking up the training data on the model card if not given. */
        public AuditContext build() {
            String name = dataName == null ? "test data" : dataName;
            LabeledData train = trainingData;
            if (!trainingDataGiven && model instanceof BuiltinClassifier b) {
                train = trainingDataOf(b.card()).orElse(null);
            }
            return new AuditContext(
                    model,
                    test,
                    name,
                    classNames,
                    settings,
                    train,
                    membership,
                    membershipRuns,
                    exposureRuns,
                    privacyAudits,
                    demoCache,
                    modelArgument == null ? model.info().name() : modelArgument,
                    dataArguments == null ? "--data " + name : dataArguments,
                    defenses,
                    certifySigma,
                    admission);
        }
    }
}
