package dev.marauder.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.GeneralCodingRules;

/**
 * The dependency rules of the code base (issue "Architecture for the second half"), checked on
 * the main classes of every module: this module depends on all of them, so all are on its class
 * path. Modules, bottom to top: {@code stats} (engine-free math), {@code accounting}
 * (engine-free, on {@code stats} only), {@code core}, {@code privacy} and {@code attacks}
 * (independent of each other), {@code report} (independent of all),
 * {@code defenses} (on {@code attacks}: a defense is trained and judged with attacks), then
 * {@code audit}, {@code bench}, and {@code cli} on top. {@code serve} (the Open Inference Protocol server) stands on
 * {@code core} alone; {@code gateway} (the secure prediction gateway) stands on the library modules and
 * {@code serve}, and only {@code cli} and {@code bench} use it (and the server).
 */
@AnalyzeClasses(packages = "dev.marauder", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().matching("dev.marauder.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule statsIsEngineFreeAndSelfContained = noClasses()
            .that()
            .resideInAPackage("dev.marauder.stats..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "ai.djl..",
                    "ai.onnxruntime..",
                    "dev.marauder.core..",
                    "dev.marauder.attacks..",
                    "dev.marauder.defenses..",
                    "dev.marauder.privacy..",
                    "dev.marauder.report..",
                    "dev.marauder.audit..",
                    "dev.marauder.bench..",
                    "dev.marauder.serve..",
                    "dev.marauder.cli..");

    /**
     * The accounting ships alone as {@code marauder-accounting}, whose only dependency is
     * {@code marauder-stats}: a user who computes an epsilon gets neither DJL's native engine nor
     * ONNX Runtime. So it imports only the JDK, itself and {@code stats}: nothing from {@code ai.djl},
     * {@code ai.onnxruntime}, {@code core} or the rest of {@code privacy}.
     */
    @ArchTest
    static final ArchRule accountingIsEngineFree = classes()
            .that()
            .resideInAPackage("dev.marauder.privacy.accounting..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("dev.marauder.privacy.accounting..", "dev.marauder.stats..", "java..", "");

    @ArchTest
    static final ArchRule attacksNeverDependOnPrivacy = noClasses()
            .that()
            .resideInAPackage("dev.marauder.attacks..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.marauder.privacy..");

    /** Defenses stand on attacks, never the reverse: an attack does not know what it evaluates. */
    @ArchTest
    static final ArchRule attacksNeverDependOnDefenses = noClasses()
            .that()
            .resideInAnyPackage("dev.marauder.attacks..", "dev.marauder.privacy..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.marauder.defenses..");

    @ArchTest
    static final ArchRule privacyNeverDependsOnAttacks = noClasses()
            .that()
            .resideInAPackage("dev.marauder.privacy..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.marauder.attacks..");

    @ArchTest
    static final ArchRule coreDependsOnlyOnStats = noClasses()
            .that()
            .resideInAPackage("dev.marauder.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "dev.marauder.serve..",
                    "dev.marauder.attacks..",
                    "dev.marauder.defenses..",
                    "dev.marauder.privacy..",
                    "dev.marauder.report..",
                    "dev.marauder.audit..",
                    "dev.marauder.bench..",
                    "dev.marauder.cli..");

    /**
     * The server ships as {@code marauder-serve}, whose only Marauder dependency is {@code
     * marauder-core}: serving a model brings in no attack, privacy or report code.
     */
    @ArchTest
    static final ArchRule serveDependsOnlyOnCore = noClasses()
            .that()
            .resideInAPackage("dev.marauder.serve..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "dev.marauder.attacks..",
                    "dev.marauder.defenses..",
                    "dev.marauder.privacy..",
                    "dev.marauder.report..",
                    "dev.marauder.audit..",
                    "dev.marauder.bench..",
                    "dev.marauder.cli..");

    /**
     * Only the command line, the gateway and the benchmarks (the gateway's cost against the plain
     * server) start servers: the library modules query models, they never serve them.
     */
    @ArchTest
    static final ArchRule onlyTheCommandLineTheGatewayAndTheBenchmarksUseTheServer = noClasses()
            .that()
            .resideOutsideOfPackages(
                    "dev.marauder.serve..", "dev.marauder.gateway..", "dev.marauder.bench..", "dev.marauder.cli..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.marauder.serve..");

    /**
     * The HTTP server stays in {@code serve}: the remote classifier of {@code core} uses the JDK's
     * HTTP client only, so the library does not carry Javalin and Jetty.
     */
    @ArchTest
    static final ArchRule onlyServeUsesJavalinAndJetty = noClasses()
            .that()
            .resideOutsideOfPackage("dev.marauder.serve..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.javalin..", "org.eclipse.jetty..");

    @ArchTest
    static final ArchRule reportUsesOnlyTheSharedJsonConfigurationOfCore = classes()
            .that()
            .resideInAPackage("dev.marauder.report..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "dev.marauder.report..",
                    "dev.marauder.core.json..",
                    "java..",
                    "javax..",
                    "com.fasterxml.jackson..",
                    "org.knowm.xchart..",
                    "de.erichseifert..",
                    "");

    @ArchTest
    static final ArchRule reportKnowsNothingOfTheRest = noClasses()
            .that()
            .resideInAPackage("dev.marauder.report..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "dev.marauder.core.model..",
                    "dev.marauder.core.data..",
                    "dev.marauder.core.train..",
                    "dev.marauder.core.engine..",
                    "dev.marauder.core.nn..",
                    "dev.marauder.core.norm..",
                    "dev.marauder.stats..",
                    "dev.marauder.attacks..",
                    "dev.marauder.defenses..",
                    "dev.marauder.privacy..",
                    "dev.marauder.audit..",
                    "dev.marauder.bench..",
                    "dev.marauder.cli..",
                    "ai.djl..");

    @ArchTest
    static final ArchRule libraryModulesAndTheAuditNeverDependOnTheGateway = noClasses()
            .that()
            .resideInAnyPackage(
                    "dev.marauder.stats..",
                    "dev.marauder.core..",
                    "dev.marauder.attacks..",
                    "dev.marauder.defenses..",
                    "dev.marauder.privacy..",
                    "dev.marauder.report..",
                    "dev.marauder.serve..",
                    "dev.marauder.audit..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.marauder.gateway..");

    /**
     * The gateway depends on the library modules, never the reverse (the audit of a model behind a
     * gateway reads what the gateway says in its responses, not its classes), and never on the
     * audit, the benchmarks or the command line.
     */
    @ArchTest
    static final ArchRule gatewayStandsOnTheLibraryOnly = noClasses()
            .that()
            .resideInAPackage("dev.marauder.gateway..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.marauder.audit..", "dev.marauder.bench..", "dev.marauder.cli..");

    @ArchTest
    static final ArchRule libraryModulesNeverDependOnTheTopLayers = noClasses()
            .that()
            .resideInAnyPackage(
                    "dev.marauder.stats..",
                    "dev.marauder.core..",
                    "dev.marauder.attacks..",
                    "dev.marauder.defenses..",
                    "dev.marauder.privacy..",
                    "dev.marauder.report..",
                    "dev.marauder.serve..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.marauder.audit..", "dev.marauder.bench..", "dev.marauder.cli..");

    @ArchTest
    static final ArchRule onlyTheCommandLineSitsOnTop = noClasses()
            .that()
            .resideOutsideOfPackage("dev.marauder.cli..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.marauder.cli..");

    @ArchTest
    static final ArchRule auditIsUsedOnlyByTheCommandLineAndBenchmarks = noClasses()
            .that()
            .resideOutsideOfPackages("dev.marauder.audit..", "dev.marauder.cli..", "dev.marauder.bench..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.marauder.audit..");

    /**
     * Library code never prints nor ends the JVM: it reports through return values, exceptions,
     * callbacks and SLF4J, and a user's application decides what reaches the console. Only the
     * command line ({@code cli}) owns the process. The one exception is the entry point of the
     * shadow-model worker JVMs, whose exit status and last line on standard error are what its
     * parent reads (see that class).
     */
    @ArchTest
    static final ArchRule libraryCodeNeitherPrintsNorExits = noClasses()
            .that()
            .resideInAPackage("dev.marauder..")
            .and()
            .resideOutsideOfPackage("dev.marauder.cli..")
            .and()
            .doNotHaveFullyQualifiedName("dev.marauder.attacks.inference.membership.ShadowWorkerProcess")
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .orShould()
            .callMethod(System.class, "exit", int.class)
            .orShould()
            .callMethod(Runtime.class, "exit", int.class)
            .orShould()
            .callMethod(Runtime.class, "halt", int.class);

    @ArchTest
    static final ArchRule noClassIsNamedLikeAJdkClass = classes()
            .that()
            .resideInAPackage("dev.marauder..")
            .and()
            .areTopLevelClasses()
            .should(new ArchCondition<JavaClass>("not share a name with a java.lang or java.util class") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    for (String p : new String[] {"java.lang.", "java.util."}) {
                        try {
                            Class.forName(p + c.getSimpleName(), false, ClassLoader.getPlatformClassLoader());
                            events.add(SimpleConditionEvent.violated(
                                    c, c.getName() + " shadows " + p + c.getSimpleName()));
                        } catch (ClassNotFoundException e) {
                            // no clash
                        }
                    }
                }
            });
}
